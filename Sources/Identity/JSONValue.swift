/// A parsed JSON value (RFC 8259), as read from a JOSE header, JWT claims or a JWKS file.
///
/// Integers that fit `Int64` stay exact; other numbers (fractions, exponents, huge
/// values) are `Double`, which only ever holds times here, never money.
enum JSONValue: Sendable, Equatable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case null

    /// The JSON type's name, for error messages.
    var typeName: String {
        switch self {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .integer, .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

/// Why a JSON text was refused, with the byte offset where reading stopped.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidNumber
        case invalidEscape
        case invalidUTF8
        /// A raw control character (below U+0020) inside a string.
        case controlCharacter
        /// The same member name twice in one object; JOSE requires unique names (RFC 7515 §4).
        case duplicateMember(String)
        case tooDeep(limit: Int)
        case trailingData
    }

    public let offset: Int
    public let reason: Reason

    public var description: String {
        let what = switch reason {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let byte): "unexpected byte 0x\(String(byte, radix: 16))"
        case .invalidNumber: "invalid number"
        case .invalidEscape: "invalid escape sequence"
        case .invalidUTF8: "invalid UTF-8"
        case .controlCharacter: "control character in string"
        case .duplicateMember(let name): "duplicate member \"\(name)\""
        case .tooDeep(let limit): "nesting deeper than \(limit)"
        case .trailingData: "data after the JSON value"
        }
        return "\(what) at byte \(offset)"
    }
}
