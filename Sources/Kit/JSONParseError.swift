/// Why a JSON text was refused: what went wrong (`reason`), where reading stopped
/// (`offset`, in bytes) and what the grammar was reading there (`context`).
///
/// It has two renderings, both stable because clients see them: `description` names the
/// offending byte (`unexpected byte 0x7d at byte 35`; a JWT or JWKS error quotes it) and
/// `explanation` says what the grammar wanted (`expected a string key at byte 35`; a
/// GraphQL request error quotes it).
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// Nothing but whitespace: no value at all.
        case empty
        /// The input ends inside a value.
        case unexpectedEnd
        /// A byte the grammar does not allow here.
        case unexpectedByte(UInt8)
        /// Not RFC 8259's number grammar, or (when asked for) too large for a `Double`.
        case invalidNumber
        /// A backslash escape that is unknown, has bad hex digits, or is half a surrogate pair.
        case invalidEscape
        case invalidUTF8
        /// A raw control character (below U+0020) inside a string.
        case controlCharacter
        /// The same member name twice in one object (`offset` is the second name's quote).
        case duplicateMember(String)
        case tooDeep(limit: Int)
        /// More than whitespace after the value.
        case trailingData
    }

    /// What the parser was reading when it stopped.
    public enum Context: Equatable, Sendable {
        /// A value: the document, a member's value or an array element.
        case value
        /// `true`, `false` or `null` starting at `start`; `truncated` when the input ends
        /// before the literal's length.
        case literal(start: Int, truncated: Bool)
        case memberName
        case colon
        /// After a member: `,` or `}`.
        case objectSeparator
        /// After an element: `,` or `]`.
        case arraySeparator
        case string
        /// The character after a backslash.
        case escape
        /// The four hex digits of `\u`.
        case unicodeEscape
        /// A `\u` surrogate without its other half.
        case surrogatePair
        case number
        /// After the value.
        case end
    }

    /// The byte offset where reading stopped.
    public let offset: Int
    public let reason: Reason
    public let context: Context

    public init(offset: Int, reason: Reason, context: Context) {
        self.offset = offset
        self.reason = reason
        self.context = context
    }

    /// The offending byte or condition and its offset: `unexpected byte 0x7d at byte 35`.
    public var description: String {
        let what = switch reason {
        case .empty, .unexpectedEnd: "unexpected end of input"
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

    /// What the grammar wanted where reading stopped: `expected a string key at byte 35`.
    /// A literal's error names the literal's first byte.
    public var explanation: String {
        switch (reason, context) {
        case (.empty, _): return "the input is empty"
        case (.duplicateMember(let name), _): return at("duplicate key \"\(name)\"")
        case (.trailingData, _): return at("unexpected data after the JSON value")
        case (.tooDeep(let limit), _): return at("nesting deeper than \(limit)")
        case (_, .literal(let start, let truncated)):
            return "\(truncated ? "unexpected end of input" : "invalid literal") at byte \(start)"
        case (_, .memberName): return at("expected a string key")
        case (_, .colon): return at("expected ':'")
        case (.unexpectedByte, .objectSeparator): return at("expected ',' or '}'")
        case (.unexpectedByte, .arraySeparator): return at("expected ',' or ']'")
        case (.unexpectedByte, _): return at("unexpected character")
        case (.unexpectedEnd, .string): return at("unterminated string")
        case (.unexpectedEnd, .escape): return at("unterminated escape")
        case (_, .unicodeEscape): return at("invalid \\u escape")
        case (_, .surrogatePair): return at("lone surrogate in string")
        case (.unexpectedEnd, _): return at("unexpected end of input")
        case (.invalidNumber, _): return at("invalid number")
        case (.invalidEscape, _): return at("invalid escape")
        case (.invalidUTF8, _): return at("invalid UTF-8 in string")
        case (.controlCharacter, _): return at("control character in string")
        }
    }

    private func at(_ what: String) -> String { "\(what) at byte \(offset)" }
}
