/// `method SP request-target SP HTTP-version` (RFC 9112 §3), with single spaces
/// and no other whitespace: the strict reading leaves nothing to interpret.
struct RequestLine {
    var method: String
    var target: String
    var version: HTTPVersion

    static func parse(_ bytes: [UInt8], _ line: Range<Int>) throws(HTTPParseError) -> RequestLine {
        for index in line {
            let byte = bytes[index]
            if byte < 0x20 || byte == 0x7F {
                throw HTTPParseError(byte == ByteClass.cr ? .bareCR : .invalidByteInRequestLine)
            }
        }
        if bytes[line].elementsEqual("PRI * HTTP/2.0".utf8) {
            throw HTTPParseError(.http2Preface)
        }
        guard let firstSpace = bytes[line].firstIndex(of: ByteClass.space),
              let lastSpace = bytes[line].lastIndex(of: ByteClass.space)
        else {
            throw HTTPParseError(.malformedRequestLine)
        }
        let method = line.lowerBound..<firstSpace
        guard !method.isEmpty, method.allSatisfy({ ByteClass.isToken(bytes[$0]) }) else {
            throw HTTPParseError(.invalidMethod)
        }
        if firstSpace == lastSpace {
            // `GET /path` with no version is how HTTP/0.9 asked; `GET HTTP/1.1` lacks a target.
            let rest = bytes[(firstSpace + 1)..<line.upperBound]
            throw HTTPParseError(rest.starts(with: "HTTP/".utf8) ? .malformedRequestLine : .http09)
        }
        let target = (firstSpace + 1)..<lastSpace
        guard !target.isEmpty else { throw HTTPParseError(.invalidTarget) }
        if bytes[target].contains(ByteClass.space) { throw HTTPParseError(.malformedRequestLine) }
        let version = try parseVersion(bytes[(lastSpace + 1)..<line.upperBound])
        let methodText = String(decoding: bytes[method], as: UTF8.self)
        try validateTarget(bytes[target], method: methodText)
        return RequestLine(method: methodText, target: String(decoding: bytes[target], as: UTF8.self), version: version)
    }

    /// `HTTP/1.1` and `HTTP/1.0`; any other well-formed version (`HTTP/1.2`,
    /// `HTTP/2.0`, `HTTP/3`) is 505, anything else 400.
    static func parseVersion(_ text: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard text.count > 5, text.starts(with: "HTTP/".utf8) else { throw HTTPParseError(.malformedVersion) }
        let major = text[text.startIndex + 5]
        switch text.count - 5 {
        case 3:
            let dot = text[text.startIndex + 6]
            let minor = text[text.startIndex + 7]
            guard ByteClass.isDigit(major), dot == UInt8(ascii: "."), ByteClass.isDigit(minor) else { break }
            if major == UInt8(ascii: "1"), minor == UInt8(ascii: "1") { return .http1_1 }
            if major == UInt8(ascii: "1"), minor == UInt8(ascii: "0") { return .http1_0 }
            throw HTTPParseError(.unsupportedVersion)
        case 1:
            if ByteClass.isDigit(major), major >= UInt8(ascii: "2") { throw HTTPParseError(.unsupportedVersion) }
        default:
            break
        }
        throw HTTPParseError(.malformedVersion)
    }

    /// Visible ASCII without `#`, in the form the method allows: authority-form
    /// only for CONNECT, `*` only for OPTIONS, otherwise origin-form or absolute-form.
    private static func validateTarget(_ target: ArraySlice<UInt8>, method: String) throws(HTTPParseError) {
        for byte in target where !ByteClass.isVisibleASCII(byte) || byte == UInt8(ascii: "#") {
            throw HTTPParseError(.invalidTarget)
        }
        guard let first = target.first else { throw HTTPParseError(.invalidTarget) }
        if method == "CONNECT" {
            guard isAuthorityForm(target) else { throw HTTPParseError(.invalidTarget) }
            return
        }
        if first == UInt8(ascii: "/") { return }
        if target.count == 1, first == UInt8(ascii: "*") {
            guard method == "OPTIONS" else { throw HTTPParseError(.invalidTarget) }
            return
        }
        guard isAbsoluteForm(target) else { throw HTTPParseError(.invalidTarget) }
    }

    /// `scheme "://" …` where scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    private static func isAbsoluteForm(_ target: ArraySlice<UInt8>) -> Bool {
        guard let first = target.first, ByteClass.isAlpha(first) else { return false }
        var index = target.startIndex
        while index < target.endIndex {
            let byte = target[index]
            if byte == ByteClass.colon { break }
            guard ByteClass.isAlpha(byte) || ByteClass.isDigit(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            else { return false }
            index += 1
        }
        let rest = target[index...]
        return rest.starts(with: "://".utf8) && rest.count > 3
    }

    /// `host ":" port`: no path, a non-empty host and a decimal port.
    private static func isAuthorityForm(_ target: ArraySlice<UInt8>) -> Bool {
        guard !target.contains(UInt8(ascii: "/")), !target.contains(UInt8(ascii: "?")), !target.contains(UInt8(ascii: "@")),
              let colon = target.lastIndex(of: ByteClass.colon)
        else { return false }
        let port = target[(colon + 1)...]
        return colon > target.startIndex && !port.isEmpty && port.count <= 5 && port.allSatisfy(ByteClass.isDigit)
    }
}
