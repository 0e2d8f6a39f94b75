/// A strict RFC 8259 JSON parser over bytes. Strict where parsers disagree, so
/// the gateway and the upstream cannot read one body two ways: duplicate keys,
/// invalid UTF-8 and lone surrogates are refused; nesting is bounded so a
/// hostile body cannot exhaust the stack. Numbers are kept as their text.
struct JSONParser {
    /// Past this many members an object's names are checked for repeats in a set, not a scan.
    private static let linearNameCheckLimit = 16

    private let bytes: [UInt8]
    private let maxNesting: Int
    private let finiteNumbersOnly: Bool
    private var index = 0
    private var nesting = 0

    private init(bytes: [UInt8], maxNesting: Int, finiteNumbersOnly: Bool) {
        self.bytes = bytes
        self.maxNesting = maxNesting
        self.finiteNumbersOnly = finiteNumbersOnly
    }

    /// Exactly one JSON value, optionally surrounded by whitespace.
    static func parse(_ bytes: [UInt8], maxNesting: Int, finiteNumbersOnly: Bool) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maxNesting: maxNesting, finiteNumbersOnly: finiteNumbersOnly)
        parser.skipWhitespace()
        guard parser.index < bytes.count else { throw parser.failure(.empty, .value) }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure(.trailingData, .end) }
        return value
    }

    private func failure(_ reason: JSONParseError.Reason, _ context: JSONParseError.Context) -> JSONParseError {
        JSONParseError(offset: index, reason: reason, context: context)
    }

    /// The byte at `index` as an unexpected one, or the end of input when there is none.
    private func unexpected(_ context: JSONParseError.Context) -> JSONParseError {
        failure(index < bytes.count ? .unexpectedByte(bytes[index]) : .unexpectedEnd, context)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw failure(.unexpectedEnd, .value) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw unexpected(.value)
        }
    }

    /// The literal at `index`; a mismatch names the first byte that differs, or the end of input.
    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let count = literal.utf8CodeUnitCount
        let context = JSONParseError.Context.literal(start: start, truncated: start + count > bytes.count)
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        for byte in expected {
            guard index < bytes.count, bytes[index] == byte else { throw unexpected(context) }
            index += 1
        }
    }

    private mutating func enter() throws(JSONParseError) {
        nesting += 1
        guard nesting <= maxNesting else { throw failure(.tooDeep(limit: maxNesting), .value) }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var members: [JSONMember] = []
        var names: Set<String> = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            nesting -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw unexpected(.memberName) }
            let keyOffset = index
            let key = try parseString()
            if Self.isRepeated(key, in: members, names: &names) {
                throw JSONParseError(offset: keyOffset, reason: .duplicateMember(key), context: .memberName)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw unexpected(.colon) }
            index += 1
            skipWhitespace()
            members.append(JSONMember(key, try parseValue()))
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd, .objectSeparator) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                nesting -= 1
                return .object(members)
            } else {
                throw unexpected(.objectSeparator)
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            nesting -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < bytes.count else { throw failure(.unexpectedEnd, .arraySeparator) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                nesting -= 1
                return .array(elements)
            } else {
                throw unexpected(.arraySeparator)
            }
        }
    }

    /// Whether `key` already names one of `members`: a scan for the usual handful, a set
    /// (built once, then kept up to date) past that, so many members cost linear time.
    private static func isRepeated(_ key: String, in members: [JSONMember], names: inout Set<String>) -> Bool {
        if members.count < linearNameCheckLimit { return members.contains { $0.key == key } }
        if names.isEmpty { names = Set(members.lazy.map(\.key)) }
        return !names.insert(key).inserted
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, kept as text.
    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure(.invalidNumber, .number) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure(.invalidNumber, .number) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure(.invalidNumber, .number) }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if finiteNumbersOnly {
            guard let approximate = Double(text), approximate.isFinite else {
                throw JSONParseError(offset: start, reason: .invalidNumber, context: .number)
            }
        }
        return .number(text)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A string starting at the opening quote; escapes decoded, UTF-8 validated.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        var runStart = index
        // Used once an escape shows up (an empty array allocates nothing); until
        // then the text is a slice of the input.
        var buffer: [UInt8] = []
        var escaped = false
        while index < bytes.count {
            index = Self.endOfRun(bytes, from: index)
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text: String
                if escaped {
                    buffer.append(contentsOf: bytes[runStart..<index])
                    text = try validated(buffer, 0..<buffer.count)
                } else {
                    text = try validated(bytes, runStart..<index)
                }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                // Copy the run before the escape in one go, then decode the escape.
                if !escaped { buffer.reserveCapacity(index - runStart + 64) }
                escaped = true
                buffer.append(contentsOf: bytes[runStart..<index])
                try parseEscape(into: &buffer)
                runStart = index
                continue
            }
            guard byte >= 0x20 else { throw failure(.controlCharacter, .string) }
            index += 1
        }
        throw failure(.unexpectedEnd, .string)
    }

    /// The index of the next quote, backslash or control character at or after `start`.
    private static func endOfRun(_ bytes: [UInt8], from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var index = start
            while index < buffer.count {
                let byte = buffer[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
                index += 1
            }
            return index
        }
    }

    /// `source[range]` as a String, refusing invalid UTF-8.
    private func validated(_ source: [UInt8], _ range: Range<Int>) throws(JSONParseError) -> String {
        let text: String? = source.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[range])
            // ASCII (the usual case, checked by a loop the compiler vectorises) needs
            // no validation; `String(validating:)` looks up generic metadata per call.
            var high: UInt8 = 0
            for byte in slice { high |= byte }
            if high < 0x80 { return String(decoding: slice, as: UTF8.self) }
            return String(validating: slice, as: UTF8.self)
        }
        guard let text else { throw failure(.invalidUTF8, .string) }
        return text
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        index += 1
        guard index < bytes.count else { throw failure(.unexpectedEnd, .escape) }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure(.invalidEscape, .surrogatePair)
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure(.invalidEscape, .surrogatePair) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure(.invalidEscape, .surrogatePair)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure(.invalidEscape, .unicodeEscape) }
            UTF8.encode(unicode) { buffer.append($0) }
        default:
            throw failure(.invalidEscape, .escape)
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure(.unexpectedEnd, .unicodeEscape) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure(.invalidEscape, .unicodeEscape)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
