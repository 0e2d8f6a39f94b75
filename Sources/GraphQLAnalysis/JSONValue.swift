/// A JSON value as the client sent it. Numbers keep their literal text, so a
/// list length or a slicing argument is read exactly and nothing passes
/// through `Double`; objects keep member order and never repeat a key.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, validated against RFC 8259's grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in the order written; keys are unique.
    case object([JSONMember])

    /// The member named `key` of an object, or nil (also for a non-object).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key {
            return member.value
        }
        return nil
    }

    /// The members of an object, or nil.
    public var objectMembers: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The number as an exact `Int64` when its value is a whole number in range
    /// (`12`, `12.0`, `1.2e1`); nil for fractions, overflow and non-numbers.
    public var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return JSONNumberText.exactInteger(text)
    }
}

/// One `"key": value` of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

extension JSONValue {
    /// Parses exactly one JSON value, strictly (see `JSONParser`): duplicate
    /// keys, invalid UTF-8, lone surrogates and nesting past 128 are refused.
    public static func parse(_ bytes: [UInt8]) throws(AnalysisError) -> JSONValue {
        try JSONParser.parse(bytes)
    }
}
