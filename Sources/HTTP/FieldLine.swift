/// One `field-name ":" OWS field-value OWS` line (RFC 9112 §5), validated strictly.
struct FieldLine {
    /// The name, without the colon.
    var name: Range<Int>
    /// The value without surrounding whitespace.
    var value: Range<Int>

    /// Splits and validates a field line. Rejects obs-fold, whitespace before the
    /// colon, empty or non-token names, bare CR and control bytes in the value.
    static func parse(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> FieldLine {
        guard let first = line.first else { throw HTTPParseError(.emptyHeaderName) }
        if ByteClass.isWhitespace(bytes[first]) {
            throw HTTPParseError(.obsFold)
        }
        var colon = line.lowerBound
        while colon < line.upperBound, bytes[colon] != ByteClass.colon {
            colon += 1
        }
        guard colon < line.upperBound else {
            throw HTTPParseError(bytes[line].contains(ByteClass.cr) ? .bareCR : .missingColon)
        }
        let name = line.lowerBound..<colon
        guard !name.isEmpty else { throw HTTPParseError(.emptyHeaderName) }
        if ByteClass.isWhitespace(bytes[colon - 1]) {
            throw HTTPParseError(.whitespaceBeforeColon)
        }
        for index in name where !ByteClass.isToken(bytes[index]) {
            throw HTTPParseError(bytes[index] == ByteClass.cr ? .bareCR : .invalidHeaderName)
        }

        var start = colon + 1
        var end = line.upperBound
        for index in start..<end where !ByteClass.isFieldValueByte(bytes[index]) {
            throw HTTPParseError(bytes[index] == ByteClass.cr ? .bareCR : .invalidHeaderValue)
        }
        while start < end, ByteClass.isWhitespace(bytes[start]) {
            start += 1
        }
        while end > start, ByteClass.isWhitespace(bytes[end - 1]) {
            end -= 1
        }
        return FieldLine(name: name, value: start..<end)
    }

    /// Whether the name equals `lowercaseName` ignoring ASCII case.
    @inline(__always)
    func nameIs(_ lowercaseName: StaticString, in bytes: [UInt8]) -> Bool {
        guard name.count == lowercaseName.utf8CodeUnitCount else { return false }
        return lowercaseName.withUTF8Buffer { expected in
            var offset = 0
            for index in name {
                if ByteClass.lowercased(bytes[index]) != expected[offset] { return false }
                offset += 1
            }
            return true
        }
    }
}
