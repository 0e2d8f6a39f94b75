/// Decodes HTTP/1.1 requests from bytes as they arrive, strictly per RFC 9112.
///
/// A value type with no I/O: the connection appends what it read and calls
/// ``next()`` until it returns nil. The head is returned as soon as the header
/// section is complete, before any body byte (so `Expect: 100-continue` can be
/// answered). After a throw the decoder is poisoned: every later call throws the
/// same error, and the server answers ``HTTPParseError/status`` and closes.
public struct HTTPRequestDecoder: Sendable {
    private enum Phase: Sendable {
        case requestLine
        case fields
        case body
    }

    public let limits: HTTPLimits
    private var buffer = InputBuffer()
    private var phase = Phase.requestLine
    private var leadingEmptyLines = 0
    private var requestLine: RequestLine?
    private var section = FieldSection()
    private var body = BodyReader(framing: .noBody)
    private var poison: HTTPParseError?

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Adds received bytes; nothing is decoded until ``next()``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(bytes)
    }

    /// Adds received bytes; nothing is decoded until ``next()``.
    public mutating func append(_ bytes: [UInt8]) {
        buffer.append(bytes)
    }

    /// Bytes received but not yet consumed (for pipelining and backpressure).
    public var bufferedByteCount: Int { buffer.count }

    /// Between messages with nothing buffered: the connection is idle (keep-alive
    /// timeout applies) rather than in the middle of a head (header timeout applies).
    public var isIdle: Bool {
        poison == nil && phase == .requestLine && buffer.isEmpty
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPRequestEvent? {
        if let poison { throw poison }
        do throws(HTTPParseError) {
            return try decode()
        } catch {
            poison = error
            throw error
        }
    }

    private mutating func decode() throws(HTTPParseError) -> HTTPRequestEvent? {
        switch phase {
        case .requestLine:
            guard try readRequestLine() else { return nil }
            phase = .fields
            return try decode()

        case .fields:
            guard try section.read(from: &buffer, limits: limits, role: .headers), let line = requestLine else {
                return nil
            }
            let framing = try section.facts.requestFraming(version: line.version, limits: limits)
            let head = HTTPRequestHead(method: line.method, target: line.target, version: line.version, headers: section.headers)
            requestLine = nil
            section.reset()
            body = BodyReader(framing: framing)
            phase = .body
            return .head(head)

        case .body:
            guard let event = try body.next(from: &buffer, limits: limits, peerClosed: false) else { return nil }
            switch event {
            case .body(let bytes):
                return .body(bytes)
            case .end:
                phase = .requestLine
                leadingEmptyLines = 0
                return .end
            }
        }
    }

    /// Skips a bounded number of empty lines, then parses the request line.
    private mutating func readRequestLine() throws(HTTPParseError) -> Bool {
        guard let line = try buffer.takeStartLine(
            maxLength: limits.maxRequestLineBytes, tooLong: .requestLineTooLong,
            emptyLines: &leadingEmptyLines, maxEmptyLines: limits.maxLeadingEmptyLines) else { return false }
        requestLine = try RequestLine.parse(buffer.bytes, line)
        section.reset()
        return true
    }
}
