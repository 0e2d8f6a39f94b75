/// Size limits a decoder enforces; each maps to the status a server answers with.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line (or status line) without its CRLF; over it: 414.
    public var maxRequestLineBytes: Int
    /// Longest header section (field lines with their CRLFs, plus the final CRLF); over it: 431.
    /// Trailers of a chunked body are bounded by the same figure.
    public var maxHeaderBytes: Int
    /// Most field lines in a header section (or trailer section); over it: 431.
    public var maxHeaderCount: Int
    /// Largest body; a larger `Content-Length` fails at head time, a chunked body
    /// fails as soon as its chunk sizes add up past it: 413.
    public var maxBodyBytes: Int
    /// Longest chunk-size line including chunk extensions, without its CRLF; over it: 400.
    public var maxChunkLineBytes: Int
    /// Most empty lines (CRLF) skipped before a request line (RFC 9112 §2.2); over it: 400.
    public var maxLeadingEmptyLines: Int

    public init(
        maxRequestLineBytes: Int = 8192,
        maxHeaderBytes: Int = 16384,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 1 << 20,
        maxChunkLineBytes: Int = 1024,
        maxLeadingEmptyLines: Int = 8
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxLeadingEmptyLines = maxLeadingEmptyLines
    }
}
