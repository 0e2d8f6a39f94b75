/// `chunk-size [ chunk-ext ]` (RFC 9112 §7.1): hex digits, then optional
/// `;name[=value]` extensions, which are validated and ignored.
enum ChunkSizeLine {
    /// At most 15 hex digits, so a size always fits in an `Int` with room to add.
    static let maxDigits = 15

    static func parse(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> Int {
        var index = line.lowerBound
        var size = 0
        var digits = 0
        while index < line.upperBound, let digit = ByteClass.hexValue(bytes[index]) {
            digits += 1
            if digits > maxDigits { throw HTTPParseError(.chunkSizeOverflow) }
            size = size << 4 | digit
            index += 1
        }
        guard digits > 0 else { throw HTTPParseError(invalidKind(bytes, line)) }
        guard index < line.upperBound else { return size }
        // Only whitespace then `;` may follow the digits.
        var afterWhitespace = index
        while afterWhitespace < line.upperBound, ByteClass.isWhitespace(bytes[afterWhitespace]) {
            afterWhitespace += 1
        }
        guard afterWhitespace < line.upperBound, bytes[afterWhitespace] == ByteClass.semicolon else {
            throw HTTPParseError(invalidKind(bytes, line))
        }
        try validateExtensions(bytes, afterWhitespace..<line.upperBound)
        return size
    }

    private static func invalidKind(_ bytes: [UInt8], _ line: Range<Int>) -> HTTPParseError.Kind {
        bytes[line].contains(ByteClass.cr) ? .bareCR : .invalidChunkSize
    }

    /// `*( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )`
    private static func validateExtensions(_ bytes: [UInt8], _ range: Range<Int>) throws(HTTPParseError) {
        var index = range.lowerBound
        let end = range.upperBound
        func skipWhitespace() {
            while index < end, ByteClass.isWhitespace(bytes[index]) { index += 1 }
        }
        func token() -> Bool {
            let start = index
            while index < end, ByteClass.isToken(bytes[index]) { index += 1 }
            return index > start
        }
        while true {
            skipWhitespace()
            if index == end { return }
            guard bytes[index] == ByteClass.semicolon else { throw HTTPParseError(.invalidChunkExtension) }
            index += 1
            skipWhitespace()
            guard token() else { throw HTTPParseError(.invalidChunkExtension) }
            skipWhitespace()
            guard index < end, bytes[index] == ByteClass.equals else { continue }
            index += 1
            skipWhitespace()
            if index < end, bytes[index] == ByteClass.quote {
                try skipQuotedString(bytes, &index, end)
            } else if !token() {
                throw HTTPParseError(.invalidChunkExtension)
            }
        }
    }

    /// `DQUOTE *( qdtext / quoted-pair ) DQUOTE`, starting at the opening quote.
    private static func skipQuotedString(_ bytes: [UInt8], _ index: inout Int, _ end: Int) throws(HTTPParseError) {
        index += 1
        while index < end {
            let byte = bytes[index]
            if byte == ByteClass.quote {
                index += 1
                return
            }
            if byte == ByteClass.backslash {
                index += 1
                guard index < end, ByteClass.isFieldValueByte(bytes[index]) else { break }
            } else if !ByteClass.isFieldValueByte(byte) {
                break
            }
            index += 1
        }
        throw HTTPParseError(.invalidChunkExtension)
    }
}
