import HTTP
import Sockets

/// A complete request as the handler sees it: head and whole body (bounded
/// by `HTTPLimits.maxBodyBytes`; chunked bodies are already de-chunked).
public struct HTTPServerRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// The client's address (for X-Forwarded-For and logs).
    public var peer: String
    /// Monotonic time the first byte of the request arrived.
    public var startNanos: UInt64
    /// The loop the connection lives on; the responder must be used there.
    public var loop: EventLoop

    public init(head: HTTPRequestHead, body: [UInt8], peer: String, startNanos: UInt64, loop: EventLoop) {
        self.head = head
        self.body = body
        self.peer = peer
        self.startNanos = startNanos
        self.loop = loop
    }
}

/// The application behind the server (the gateway, or the demo upstream).
public protocol HTTPServerHandler: Sendable {
    /// Called on the connection's loop once a whole request has arrived.
    /// The handler answers through `responder`, on the same loop (hop back
    /// with `request.loop.execute` after async work).
    func handle(_ request: HTTPServerRequest, responder: HTTPResponder)

    /// The response sent for a request that broke HTTP framing (400, 413,
    /// 414, 431, 505) or timed out (408); the connection is closed after it.
    func errorResponse(status: Int, message: String) -> (HTTPResponseHead, [UInt8])

    /// Called once per finished response (access log, metrics), on the loop.
    func responseCompleted(_ summary: ResponseSummary)
}

/// What happened to one request, for logs and metrics.
public struct ResponseSummary: Sendable {
    public var method: String
    public var path: String
    public var status: Int
    public var bodyBytes: Int
    public var durationNanos: UInt64
    /// The response's `X-Request-Id`, when the handler set one.
    public var requestID: String?
    /// The caller's tenant, when the handler identified one (for the access log).
    public var tenant: String? = nil
    /// The upstream arm, when a canary cutover routed the request (for the access log).
    public var arm: String? = nil
    /// The GraphQL operation's type, when the handler parsed one.
    public var operationType: String? = nil
    /// False when the handler sampled the request out of the access log (metrics still count it).
    public var accessLogged = true
    /// False when the connection broke before the response was complete.
    public var completed: Bool
}

extension HTTPServerHandler {
    public func errorResponse(status: Int, message: String) -> (HTTPResponseHead, [UInt8]) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        return (HTTPResponseHead(status: status, headers: headers), Array("\(message)\n".utf8))
    }

    public func responseCompleted(_ summary: ResponseSummary) {}
}
