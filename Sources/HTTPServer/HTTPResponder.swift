#if canImport(Glibc)
import Glibc
#endif
import CSystem
import HTTP
import Sockets

/// Writes the response to one request, whole or streamed.
///
/// Loop-confined: use it on `request.loop` only (after async work, hop back
/// with `loop.execute` and a `LoopBound`). The responder frames the body:
/// a `Content-Length` given in the head is honoured; without one, HTTP/1.1
/// clients get chunked encoding and HTTP/1.0 clients a close-delimited body.
public final class HTTPResponder {
    private weak var connection: ServerConnection?
    public let request: HTTPServerRequest
    private let isHead: Bool

    private enum Framing { case none, fixed(remaining: Int), chunked, untilClose }
    private enum State { case idle, streaming(Framing), done }
    private var state: State = .idle

    /// The status sent (0 until the head is written).
    public private(set) var status = 0
    /// The `X-Request-Id` of the response head, for the access log.
    public private(set) var requestID: String?
    /// The caller's tenant, set by the handler once known (for the access log).
    public var tenant: String?
    /// The upstream arm (`stable`, `canary`) the handler sent the request to, when a cutover routed it.
    public var arm: String?
    /// The GraphQL operation's type (query, mutation), when the handler parsed one: the
    /// per-type latency histogram gate G1's write p95 reads.
    public var operationType: String?
    /// False when the handler samples this request out of the access log.
    public var accessLogged = true
    /// Body bytes handed to the connection.
    public private(set) var bodyBytes = 0
    /// Called when pending output drops below the high-water mark again.
    public var onWritable: (() -> Void)?
    /// Called if the client connection closes before the response is done.
    public var onClose: (() -> Void)?

    private let counters: ServerCounters

    init(connection: ServerConnection, request: HTTPServerRequest) {
        self.connection = connection
        self.request = request
        self.isHead = request.head.method == "HEAD"
        self.counters = connection.state.counters
        counters.responderCreated()
    }

    deinit {
        counters.responderDestroyed()
    }

    /// Whether the client is gone (writes are dropped).
    public var isClosed: Bool { connection?.closed ?? true }

    /// Whether more body may be written without piling up output.
    public var isWritable: Bool {
        guard let connection, !connection.closed else { return false }
        return connection.pendingOutput < ServerConnection.outputHighWater
    }

    /// Sends a complete response with a fixed-length body.
    public func respond(_ head: HTTPResponseHead, body: [UInt8]) {
        var head = head
        let bodyAllowed = Self.statusAllowsBody(head.status)
        head.headers.remove(name: "Transfer-Encoding")
        if bodyAllowed {
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
        } else {
            head.headers.remove(name: "Content-Length")
        }
        guard let bytes = encodeHead(head) else { return }
        var out = bytes
        if bodyAllowed && !isHead {
            out.append(contentsOf: body)
            bodyBytes = body.count
        }
        state = .done
        connection?.enqueue(out)
        finish(completed: true)
    }

    /// Starts a streamed response; the body follows with `writeBody` and `end`.
    public func writeHead(_ head: HTTPResponseHead) {
        var head = head
        let framing: Framing
        if !Self.statusAllowsBody(head.status) || isHead {
            framing = .none
            if !Self.statusAllowsBody(head.status) {
                head.headers.remove(name: "Content-Length")
                head.headers.remove(name: "Transfer-Encoding")
            }
        } else if let length = head.headers["Content-Length"].flatMap({ Int($0) }), length >= 0 {
            head.headers.remove(name: "Transfer-Encoding")
            framing = .fixed(remaining: length)
        } else if request.head.version == .http1_1 {
            head.headers.remove(name: "Content-Length")
            head.headers.replaceOrAdd(name: "Transfer-Encoding", value: "chunked")
            framing = .chunked
        } else {
            head.headers.remove(name: "Content-Length")
            head.headers.remove(name: "Transfer-Encoding")
            connection?.closeAfterResponse = true
            framing = .untilClose
        }
        guard let bytes = encodeHead(head) else { return }
        state = .streaming(framing)
        connection?.enqueue(bytes)
    }

    /// Appends body bytes to a streamed response.
    public func writeBody(_ bytes: [UInt8]) {
        guard case .streaming(let framing) = state, !bytes.isEmpty, let connection, !connection.closed else { return }
        switch framing {
        case .none:
            return
        case .fixed(let remaining):
            let take = min(remaining, bytes.count)
            state = .streaming(.fixed(remaining: remaining - take))
            bodyBytes += take
            connection.enqueue(take == bytes.count ? bytes : Array(bytes[0..<take]))
        case .chunked:
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16)
            HTTPEncoder.encodeChunk(bytes, into: &out)
            bodyBytes += bytes.count
            connection.enqueue(out)
        case .untilClose:
            bodyBytes += bytes.count
            connection.enqueue(bytes)
        }
    }

    /// Ends a streamed response. A fixed-length body that fell short cannot be
    /// repaired, so the connection is closed (the client sees a truncated body).
    public func end() {
        guard case .streaming(let framing) = state else { return }
        state = .done
        switch framing {
        case .chunked:
            var out: [UInt8] = []
            HTTPEncoder.encodeLastChunk(into: &out)
            connection?.enqueue(out)
        case .fixed(let remaining) where remaining > 0:
            connection?.closeAfterResponse = true
        case .untilClose:
            connection?.closeAfterResponse = true
        default:
            break
        }
        finish(completed: true)
    }

    /// Gives up on the response: the connection is closed at once.
    public func abort() {
        state = .done
        connection?.closeAfterResponse = true
        finish(completed: false)
        connection?.close()
    }

    private func encodeHead(_ head: HTTPResponseHead) -> [UInt8]? {
        guard let connection, !connection.closed, case .idle = state else { return nil }
        var head = head
        head.version = .http1_1
        if connection.closeAfterResponse || connection.state.draining {
            head.headers.replaceOrAdd(name: "Connection", value: "close")
        } else if request.head.version == .http1_0 {
            head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        if !head.headers.contains("Date") {
            head.headers.add(name: "Date", value: connection.state.dateHeader)
        }
        status = head.status
        requestID = head.headers["X-Request-Id"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        HTTPEncoder.encode(head, into: &bytes)
        return bytes
    }

    private func finish(completed: Bool) {
        // The callbacks usually capture the object streaming into this
        // responder, which holds the responder: drop them to break the cycle.
        onWritable = nil
        onClose = nil
        guard let connection else { return }
        connection.state.handler.responseCompleted(ResponseSummary(
            method: request.head.method,
            path: request.head.path,
            status: status,
            bodyBytes: bodyBytes,
            durationNanos: Syscall.monotonicNanos() &- request.startNanos,
            requestID: requestID,
            tenant: tenant,
            arm: arm,
            operationType: operationType,
            accessLogged: accessLogged,
            completed: completed
        ))
        connection.responseFinished(self)
    }

    // MARK: called by the connection

    func outputDrained() {
        if case .streaming = state, let onWritable { onWritable() }
    }

    func connectionClosed() {
        if case .done = state { return }
        state = .done
        connection?.state.handler.responseCompleted(ResponseSummary(
            method: request.head.method, path: request.head.path, status: status, bodyBytes: bodyBytes,
            durationNanos: Syscall.monotonicNanos() &- request.startNanos, requestID: requestID, tenant: tenant, arm: arm, operationType: operationType, accessLogged: accessLogged, completed: false))
        let callback = onClose
        onClose = nil
        onWritable = nil
        callback?()
    }

    static func statusAllowsBody(_ status: Int) -> Bool {
        !(100..<200).contains(status) && status != 204 && status != 304
    }
}
