import Kit

/// Budget-specific JSON pieces (the general constructors are Admin's, `JSONValue+Admin.swift`).
extension JSONValue {
    /// A decimal Postgres returned as text (`numeric`), as an exact JSON number; null for NULL.
    static func decimal(_ text: String?) -> JSONValue { text.map { .number($0) } ?? .null }
}
