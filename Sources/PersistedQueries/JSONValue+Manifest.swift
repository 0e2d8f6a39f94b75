import Kit

extension JSONValue {
    /// A short rendering for manifest errors (`"1"`, `"true"`, `"an array"`). A number
    /// reads as the integer it denotes (`1.0` → `1`), else as a `Double` prints it, or as
    /// written when a `Double` cannot hold it.
    var summary: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .number(let text):
            if let exact = int64Value { return String(exact) }
            guard let approximate = Double(text), approximate.isFinite else { return text }
            return String(approximate)
        case .string(let value): return "\"\(value.prefix(60))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
