/// Decodes HTTP/1.1 responses from an upstream, with the same strict framing
/// rules as requests.
///
/// A response's framing depends on the request it answers (HEAD responses have
/// no body), so call ``expectResponse(toMethod:)`` once per request sent, in
/// order. 1xx interim responses (e.g. 100 Continue) are reported as heads too;
/// the caller skips them (status < 200) and the decoder then expects the final
/// response. After a throw the decoder is poisoned, like the request decoder.
public struct HTTPResponseDecoder: Sendable {
    private enum Phase: Sendable {
        case statusLine
        case fields
        case body
    }

    public let limits: HTTPLimits
    private var buffer = InputBuffer()
    private var phase = Phase.statusLine
    private var leadingEmptyLines = 0
    private var statusLine: StatusLine?
    private var section = FieldSection()
    private var body = BodyReader(framing: .noBody)
    /// Methods of the requests whose responses are still to come, oldest first.
    private var pendingMethods: [String] = []
    private var peerClosed = false
    private var poison: HTTPParseError?

    /// A decoder; bodies are unbounded by default since the upstream is trusted for size.
    public init(limits: HTTPLimits = HTTPLimits(maxBodyBytes: Int.max)) {
        self.limits = limits
    }

    /// Records the method of a request sent on this connection; responses are
    /// matched to these in order. Without one, a response is read as answering GET.
    public mutating func expectResponse(toMethod method: String) {
        pendingMethods.append(method)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(bytes)
    }

    public mutating func append(_ bytes: [UInt8]) {
        buffer.append(bytes)
    }

    /// Bytes received but not yet consumed.
    public var bufferedByteCount: Int { buffer.count }

    /// Between responses with nothing buffered.
    public var isIdle: Bool {
        poison == nil && phase == .statusLine && buffer.isEmpty
    }

    /// Whether the response being read has a body delimited by the connection
    /// closing; such a connection cannot be reused.
    public var bodyEndsOnClose: Bool {
        phase == .body && body.state == .untilClose
    }

    /// The next event, or nil when more bytes are needed.
    public mutating func next() throws(HTTPParseError) -> HTTPResponseEvent? {
        if let poison { throw poison }
        do throws(HTTPParseError) {
            return try decode()
        } catch {
            poison = error
            throw error
        }
    }

    /// The peer closed: for a body delimited by close this yields `.end`;
    /// mid-message elsewhere it throws `truncated`. Buffered events still come
    /// first, so call it (or ``next()``) until it returns nil; between messages
    /// it returns nil.
    public mutating func finishOnClose() throws(HTTPParseError) -> HTTPResponseEvent? {
        peerClosed = true
        return try next()
    }

    private mutating func decode() throws(HTTPParseError) -> HTTPResponseEvent? {
        switch phase {
        case .statusLine:
            guard try readStatusLine() else {
                if peerClosed, !buffer.isEmpty { throw HTTPParseError(.truncated) }
                return nil
            }
            phase = .fields
            return try decode()

        case .fields:
            guard try section.read(from: &buffer, limits: limits, role: .headers), let line = statusLine else {
                if peerClosed { throw HTTPParseError(.truncated) }
                return nil
            }
            let head = HTTPResponseHead(status: line.status, reason: line.reason, version: line.version, headers: section.headers)
            let facts = section.facts
            statusLine = nil
            section.reset()
            if line.status < 200 {
                phase = .statusLine
                return .head(head)
            }
            let method = pendingMethods.isEmpty ? "GET" : pendingMethods.removeFirst()
            let framing: FramingFacts.Framing
            if method == "HEAD" || line.status == 204 || line.status == 304 || (method == "CONNECT" && line.status < 300) {
                framing = .noBody
            } else {
                framing = try facts.responseFraming(version: line.version, limits: limits)
            }
            body = BodyReader(framing: framing)
            phase = .body
            return .head(head)

        case .body:
            guard let event = try body.next(from: &buffer, limits: limits, peerClosed: peerClosed) else { return nil }
            switch event {
            case .body(let bytes):
                return .body(bytes)
            case .end:
                phase = .statusLine
                leadingEmptyLines = 0
                return .end
            }
        }
    }

    /// Skips a bounded number of empty lines, then parses the status line.
    private mutating func readStatusLine() throws(HTTPParseError) -> Bool {
        guard let line = try buffer.takeStartLine(
            maxLength: limits.maxRequestLineBytes, tooLong: .statusLineTooLong,
            emptyLines: &leadingEmptyLines, maxEmptyLines: limits.maxLeadingEmptyLines) else { return false }
        statusLine = try StatusLine.parse(buffer.bytes, line)
        return true
    }
}
