/// `HTTP-version SP status-code SP [ reason-phrase ]` (RFC 9112 §4). The space
/// before an empty reason is optional here, as many servers omit it.
struct StatusLine {
    var version: HTTPVersion
    var status: Int
    var reason: String

    static func parse(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> StatusLine {
        for index in line {
            let byte = bytes[index]
            if (byte < 0x20 && byte != ByteClass.tab) || byte == 0x7F {
                throw HTTPParseError(byte == ByteClass.cr ? .bareCR : .malformedStatusLine)
            }
        }
        guard let space = bytes[line].firstIndex(of: ByteClass.space) else {
            throw HTTPParseError(.malformedStatusLine)
        }
        let version = try RequestLine.parseVersion(bytes[line.lowerBound..<space])
        let codeStart = space + 1
        let codeEnd = codeStart + 3
        guard codeEnd <= line.upperBound else { throw HTTPParseError(.invalidStatusCode) }
        var status = 0
        for index in codeStart..<codeEnd {
            guard ByteClass.isDigit(bytes[index]) else { throw HTTPParseError(.invalidStatusCode) }
            status = status * 10 + Int(bytes[index] &- 0x30)
        }
        guard (100...599).contains(status) else { throw HTTPParseError(.invalidStatusCode) }
        var reason = ""
        if codeEnd < line.upperBound {
            guard bytes[codeEnd] == ByteClass.space else { throw HTTPParseError(.invalidStatusCode) }
            reason = String(decoding: bytes[(codeEnd + 1)..<line.upperBound], as: UTF8.self)
        }
        return StatusLine(version: version, status: status, reason: reason)
    }
}
