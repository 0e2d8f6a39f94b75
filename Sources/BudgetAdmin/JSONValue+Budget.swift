import GraphQLAnalysis

/// Small constructors so budget replies read like the JSON they produce (the Admin
/// module's own helpers are internal to it).
extension JSONValue {
    static func fields(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember($0.key, $0.value) })
    }

    static func integer<T: BinaryInteger>(_ value: T) -> JSONValue { .number(String(value)) }

    static func stringArray(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }

    static func nullable(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// A decimal Postgres returned as text (`numeric`), as an exact JSON number; null for NULL.
    static func decimal(_ text: String?) -> JSONValue { text.map { .number($0) } ?? .null }

    var boolean: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The literal text of a JSON number; nil for anything else (strings included: an
    /// amount or a multiplier must be sent as a number).
    var numberText: String? {
        if case .number(let text) = self { return text }
        return nil
    }
}
