/// The fields that decide how a message's body is delimited (RFC 9112 §6),
/// noted while the header section is read so nothing is searched twice.
struct FramingFacts: Sendable {
    enum ContentLength: Equatable {
        case absent
        case value(Int)
        case invalid(HTTPParseError.Kind)
    }

    var hostCount = 0
    /// Whether a Host value has a byte that cannot appear in `uri-host [ ":" port ]`.
    var hostIsInvalid = false
    var contentLengthCount = 0
    var contentLength = ContentLength.absent
    var transferEncodingCount = 0
    /// Whether the first Transfer-Encoding value is exactly `chunked` (any case).
    var transferEncodingIsChunked = false
    var trailerCount = 0

    mutating func note(_ field: FieldLine, in bytes: [UInt8]) {
        switch field.name.count {
        case 4 where field.nameIs("host", in: bytes):
            hostCount += 1
            hostIsInvalid = hostIsInvalid || !bytes[field.value].allSatisfy(Self.isHostByte)
        case 14 where field.nameIs("content-length", in: bytes):
            contentLengthCount += 1
            if contentLengthCount == 1 {
                contentLength = Self.parseContentLength(bytes[field.value])
            }
        case 17 where field.nameIs("transfer-encoding", in: bytes):
            transferEncodingCount += 1
            if transferEncodingCount == 1 {
                transferEncodingIsChunked = HTTPHeaders.asciiCaseInsensitiveEquals(bytes[field.value], "chunked".utf8)
            }
        default:
            break
        }
    }

    /// unreserved / pct-encoded / sub-delims / ":" / "[" / "]" (RFC 3986 host and port).
    /// An empty Host is allowed: RFC 9110 §7.2 requires it when the target has no authority.
    static func isHostByte(_ byte: UInt8) -> Bool {
        if ByteClass.isAlpha(byte) || ByteClass.isDigit(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
            return true
        default:
            return false
        }
    }

    /// `1*DIGIT` and nothing else: no sign, no list, no whitespace inside, no overflow.
    static func parseContentLength(_ value: ArraySlice<UInt8>) -> ContentLength {
        if value.contains(ByteClass.comma) { return .invalid(.contentLengthList) }
        guard !value.isEmpty else { return .invalid(.invalidContentLength) }
        var result = 0
        for byte in value {
            guard ByteClass.isDigit(byte) else { return .invalid(.invalidContentLength) }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte &- 0x30))
            if overflow1 || overflow2 { return .invalid(.contentLengthOverflow) }
            result = sum
        }
        return .value(result)
    }

    /// How a body is delimited.
    enum Framing: Equatable {
        case noBody
        case length(Int)
        case chunked
        case untilClose
    }

    /// Validates the request's Host and framing fields and decides its body framing.
    /// A request without Content-Length or Transfer-Encoding has no body.
    func requestFraming(version: HTTPVersion, limits: HTTPLimits) throws(HTTPParseError) -> Framing {
        if hostCount > 1 { throw HTTPParseError(.multipleHost) }
        if hostCount == 0, version == .http1_1 { throw HTTPParseError(.missingHost) }
        if hostIsInvalid { throw HTTPParseError(.invalidHost) }
        return try bodyFraming(version: version, limits: limits) ?? .noBody
    }

    /// Validates a response's framing fields; a response without either reads until close.
    /// Only called for responses that can have a body.
    func responseFraming(version: HTTPVersion, limits: HTTPLimits) throws(HTTPParseError) -> Framing {
        try bodyFraming(version: version, limits: limits) ?? .untilClose
    }

    /// The framing from Transfer-Encoding / Content-Length, or nil when neither is present.
    ///
    /// Strict on purpose: every ambiguity a front end and a back end could read
    /// differently (the basis of request smuggling) is an error, not a guess.
    private func bodyFraming(version: HTTPVersion, limits: HTTPLimits) throws(HTTPParseError) -> Framing? {
        if transferEncodingCount > 0 {
            if version == .http1_0 { throw HTTPParseError(.transferEncodingInHTTP10) }
            if contentLengthCount > 0 { throw HTTPParseError(.contentLengthWithTransferEncoding) }
            guard transferEncodingCount == 1, transferEncodingIsChunked else {
                throw HTTPParseError(.unsupportedTransferEncoding)
            }
            return .chunked
        }
        guard contentLengthCount > 0 else { return nil }
        if contentLengthCount > 1 { throw HTTPParseError(.multipleContentLength) }
        switch contentLength {
        case .absent:
            return nil
        case .invalid(let kind):
            throw HTTPParseError(kind)
        case .value(let length):
            if length > limits.maxBodyBytes { throw HTTPParseError(.bodyTooLarge) }
            return length == 0 ? Framing.noBody : .length(length)
        }
    }
}
