/// Why a message could not be decoded; ``status`` is what a server answers with
/// before closing the connection.
public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One case per distinct reason, so tests and logs can tell them apart.
    public enum Kind: String, Sendable, CaseIterable {
        // Start line.
        case malformedRequestLine
        case invalidMethod
        case invalidTarget
        case http09
        case malformedVersion
        case unsupportedVersion
        case http2Preface
        case requestLineTooLong
        case tooManyLeadingEmptyLines
        case invalidByteInRequestLine
        case malformedStatusLine
        case invalidStatusCode
        case statusLineTooLong

        // Line endings, anywhere.
        case bareCR
        case bareLF

        // Field lines.
        case obsFold
        case whitespaceBeforeColon
        case emptyHeaderName
        case invalidHeaderName
        case missingColon
        case invalidHeaderValue
        case headersTooLarge
        case tooManyHeaders
        case missingHost
        case multipleHost
        case invalidHost

        // Framing.
        case contentLengthWithTransferEncoding
        case multipleContentLength
        case contentLengthList
        case invalidContentLength
        case contentLengthOverflow
        case unsupportedTransferEncoding
        case transferEncodingInHTTP10
        case bodyTooLarge

        // Chunked bodies.
        case invalidChunkSize
        case chunkSizeOverflow
        case invalidChunkExtension
        case chunkLineTooLong
        case missingChunkCRLF
        case trailersTooLarge

        // Connection.
        case truncated
    }

    public var kind: Kind

    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The status a server sends for this error: 400 unless the reason has its own.
    public var status: Int {
        switch kind {
        case .bodyTooLarge: return 413
        case .requestLineTooLong, .statusLineTooLong: return 414
        case .headersTooLarge, .tooManyHeaders, .trailersTooLarge: return 431
        case .unsupportedVersion, .http2Preface: return 505
        default: return 400
        }
    }

    public var description: String {
        switch kind {
        case .malformedRequestLine: return "Request line is not 'method SP target SP version'"
        case .invalidMethod: return "Method is empty or not a token"
        case .invalidTarget: return "Request target is empty, has invalid bytes, or does not fit the method"
        case .http09: return "HTTP/0.9 request line without a version is not supported"
        case .malformedVersion: return "HTTP version is not of the form HTTP/DIGIT.DIGIT"
        case .unsupportedVersion: return "HTTP version not supported; use HTTP/1.1"
        case .http2Preface:
            return "HTTP/2 is not supported on this port; use HTTP/1.1 (prior-knowledge h2c is not accepted)"
        case .requestLineTooLong: return "Request line is longer than the limit"
        case .tooManyLeadingEmptyLines: return "Too many empty lines before the request line"
        case .invalidByteInRequestLine: return "Request line contains a control byte"
        case .malformedStatusLine: return "Status line is not 'version SP code SP reason'"
        case .invalidStatusCode: return "Status code is not three digits between 100 and 599"
        case .statusLineTooLong: return "Status line is longer than the limit"
        case .bareCR: return "CR not followed by LF"
        case .bareLF: return "LF without a preceding CR; lines must end with CRLF"
        case .obsFold: return "Obsolete line folding (a field line starting with whitespace) is not accepted"
        case .whitespaceBeforeColon: return "Whitespace between a field name and the colon"
        case .emptyHeaderName: return "Empty field name"
        case .invalidHeaderName: return "Field name contains a character that is not a token character"
        case .missingColon: return "Field line without a colon"
        case .invalidHeaderValue: return "Field value contains a control byte"
        case .headersTooLarge: return "Header section is larger than the limit"
        case .tooManyHeaders: return "More header fields than the limit"
        case .missingHost: return "HTTP/1.1 request without a Host header"
        case .multipleHost: return "More than one Host header"
        case .invalidHost: return "Host header is not a host name with an optional port"
        case .contentLengthWithTransferEncoding: return "Content-Length together with Transfer-Encoding"
        case .multipleContentLength: return "More than one Content-Length header"
        case .contentLengthList: return "Content-Length is a comma-separated list"
        case .invalidContentLength: return "Content-Length is not a non-negative decimal number"
        case .contentLengthOverflow: return "Content-Length is too large to represent"
        case .unsupportedTransferEncoding: return "Transfer-Encoding other than a single 'chunked'"
        case .transferEncodingInHTTP10: return "Transfer-Encoding in an HTTP/1.0 message"
        case .bodyTooLarge: return "Body is larger than the limit"
        case .invalidChunkSize: return "Chunk size is not a hexadecimal number"
        case .chunkSizeOverflow: return "Chunk size has more than 15 hexadecimal digits"
        case .invalidChunkExtension: return "Malformed chunk extension"
        case .chunkLineTooLong: return "Chunk size line (with extensions) is longer than the limit"
        case .missingChunkCRLF: return "Chunk data not followed by CRLF"
        case .trailersTooLarge: return "Trailer section is larger than the header limits"
        case .truncated: return "Connection closed in the middle of a message"
        }
    }
}
