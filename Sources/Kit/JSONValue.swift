/// A JSON value as it was written. Numbers keep their literal text, so a list
/// length, a slicing argument or an amount of money is read exactly and nothing
/// passes through `Double`; objects keep member order and never repeat a key.
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

    /// `true`/`false` when the value is a JSON boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The literal text of a JSON number; nil for anything else (a string holding
    /// digits included).
    public var numberText: String? {
        if case .number(let text) = self { return text }
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

    /// The JSON type's name, for error messages: `object`, `array`, `string`, `number`,
    /// `boolean` or `null`.
    public var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }
}

extension JSONValue {
    /// Objects and arrays nested deeper than this are refused unless the caller asks otherwise.
    public static let defaultMaxNesting = 128

    /// Parses exactly one JSON value, strictly: duplicate keys, invalid UTF-8, lone
    /// surrogates and nesting past `maxNesting` are refused, numbers are kept as text.
    /// `finiteNumbersOnly` also refuses a number a `Double` would read as infinity, for
    /// documents whose numbers are read as `Double` (a JWT's times), so that not even a
    /// member nobody reads can hide one.
    public static func parse(
        _ bytes: [UInt8], maxNesting: Int = defaultMaxNesting, finiteNumbersOnly: Bool = false
    ) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(bytes, maxNesting: maxNesting, finiteNumbersOnly: finiteNumbersOnly)
    }
}
