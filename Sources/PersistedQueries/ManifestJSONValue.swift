/// A JSON value as decoded for strict manifest checks: unlike `JSONSerialization`,
/// `true` stays a Bool and never passes for the number 1.
enum ManifestJSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([ManifestJSONValue])
    case object([String: ManifestJSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(String.self) {
            // Strings first: nearly every manifest value is one, and each failed try costs a thrown error.
            self = .string(value)
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode([ManifestJSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ManifestJSONValue].self))
        }
    }

    /// A short rendering for error messages (`"1"`, `"true"`, `"an array"`).
    var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value.prefix(60))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
