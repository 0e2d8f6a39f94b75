import Admission
import HTTP
import HTTPClient
import HTTPServer
import Sockets

/// Streams one upstream response back to the client, on the client's loop.
///
/// Backpressure: when the client's pending output passes the server's
/// high-water mark, the upstream read pauses until the client drains, so a
/// large response never piles up in memory.
final class ProxyExchange: UpstreamResponseDelegate {
    private let responder: HTTPResponder
    private let requestID: String
    private let metrics: GatewayMetrics
    private let upstreamStart: UInt64
    var upstream: UpstreamExchange?

    init(responder: HTTPResponder, requestID: String, metrics: GatewayMetrics) {
        self.responder = responder
        self.requestID = requestID
        self.metrics = metrics
        self.upstreamStart = Syscall.monotonicNanos()
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        var head = head
        HopByHop.strip(&head.headers)
        head.headers.add(name: "Via", value: "1.1 safemut")
        head.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        head.headers.remove(name: "Date")  // the server sets its own
        responder.writeHead(head)
    }

    func upstreamBody(_ bytes: [UInt8]) {
        responder.writeBody(bytes)
        if !responder.isWritable, let upstream {
            upstream.pause()
            responder.onWritable = { [weak self] in
                guard let self, self.responder.isWritable else { return }
                self.responder.onWritable = nil
                self.upstream?.resume()
            }
        }
    }

    func upstreamEnd() {
        metrics.upstreamFinished(nanos: Syscall.monotonicNanos() &- upstreamStart, outcome: "ok")
        responder.end()
        upstream = nil
    }

    func upstreamFailed(_ error: UpstreamError, responseStarted: Bool) {
        metrics.upstreamFinished(nanos: Syscall.monotonicNanos() &- upstreamStart, outcome: error.httpStatus == 504 ? "timeout" : "error")
        upstream = nil
        if responseStarted {
            // Part of the response already went out: the only honest signal left is to cut the connection.
            responder.abort()
            return
        }
        let rejection = Rejection(.upstreamError, error.description, status: error.httpStatus)
        GatewayHandler.reject(rejection, requestID: requestID, responder: responder)
    }
}
