import GraphQLAnalysis

/// Budget-specific JSON pieces (the general constructors are Admin's, `JSONValue+Admin.swift`).
extension JSONValue {
    /// A decimal Postgres returned as text (`numeric`), as an exact JSON number; null for NULL.
    static func decimal(_ text: String?) -> JSONValue { text.map { .number($0) } ?? .null }

    /// The literal text of a JSON number; nil for anything else (strings included: an
    /// amount or a multiplier must be sent as a number).
    var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }
}
