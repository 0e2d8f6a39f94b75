import Contract
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
///
/// It tells the admitted steps' post phases (`completions`) how the exchange ended, once,
/// after the client's response has been handed to the server; when one of them reads the
/// body (the ledger), it keeps a copy up to `settlementBodyLimit`.
final class ProxyExchange: UpstreamResponseDelegate {
    /// Largest body kept for settlement; larger answers are charged the estimate.
    static let settlementBodyLimit = 256 * 1024

    private let responder: HTTPResponder
    private let requestID: String
    private let metrics: GatewayMetrics
    private let upstreamStart: UInt64
    /// `stable` or `canary`: the label of this exchange's upstream metrics.
    private let arm: String
    /// Emptied when told, so each post phase hears exactly one ending.
    private var completions: [any StepCompletion]
    private var status = 0
    private var kept: [UInt8]?
    private var keptHeaders: [(String, String)] = []
    var upstream: UpstreamExchange?
    /// A drill's `truncate` fault (its id): the body breaks off halfway, as if the upstream
    /// connection were cut mid-response.
    private let truncatedBy: String?
    /// Set once the truncation cut the exchange: what the upstream still sends is dropped.
    private var cut = false

    init(
        responder: HTTPResponder, requestID: String, metrics: GatewayMetrics, completions: [any StepCompletion], keepsBody: Bool,
        arm: String = "stable", truncatedBy: String? = nil
    ) {
        self.truncatedBy = truncatedBy
        self.responder = responder
        self.arm = arm
        self.requestID = requestID
        self.metrics = metrics
        self.upstreamStart = Syscall.monotonicNanos()
        self.completions = completions
        self.kept = keepsBody ? [] : nil
    }

    /// Tells each post phase how the request ended, newest first.
    static func finish(_ completions: [any StepCompletion], _ ending: ForwardEnding) {
        for completion in completions.reversed() { completion.finished(ending) }
    }

    private func finish(_ ending: ForwardEnding) {
        guard !completions.isEmpty else { return }
        let told = completions
        completions = []
        Self.finish(told, ending)
    }

    /// The client went away: stop the upstream and, if it had not finished, tell the post phases.
    func clientClosed() {
        upstream?.cancel()
        upstream = nil
        finish(.clientGone)
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        status = head.status
        var head = head
        HopByHop.strip(&head.headers)
        // Only when a completion keeps the body (the response cache reads Cache-Control).
        if kept != nil { keptHeaders = head.headers.map { ($0.name, $0.value) } }
        head.headers.add(name: "Via", value: "1.1 safemut")
        head.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        head.headers.remove(name: "Date")  // the server sets its own
        responder.writeHead(head)
    }

    func upstreamBody(_ bytes: [UInt8]) {
        if cut { return }
        if let truncatedBy {
            cut = true
            // Half of the first chunk reaches the client, then the upstream "breaks".
            responder.writeBody(Array(bytes.prefix(bytes.count / 2)))
            upstream?.cancel()
            upstreamFailed(.connectionReset("chaos fault \(truncatedBy): body truncated"), responseStarted: true)
            return
        }
        if kept != nil {
            if kept!.count + bytes.count <= Self.settlementBodyLimit {
                kept!.append(contentsOf: bytes)
            } else {
                kept = nil
            }
        }
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
        if cut { return }
        metrics.upstreamFinished(nanos: Syscall.monotonicNanos() &- upstreamStart, outcome: "ok", arm: arm, status: status)
        responder.end()
        upstream = nil
        finish(.answered(status: status, body: kept, headers: keptHeaders))
        kept = nil
    }

    func upstreamFailed(_ error: UpstreamError, responseStarted: Bool) {
        if cut && upstream == nil { return }
        metrics.upstreamFinished(nanos: Syscall.monotonicNanos() &- upstreamStart, outcome: error.httpStatus == 504 ? "timeout" : "error", arm: arm)
        upstream = nil
        finish(.failed(reachedUpstream: responseStarted || !error.requestNeverSent))
        if responseStarted {
            // Part of the response already went out: the only honest signal left is to cut the connection.
            responder.abort()
            return
        }
        let rejection = Rejection(.upstreamError, error.description, status: error.httpStatus)
        GatewayHandler.reject(rejection, requestID: requestID, responder: responder)
    }
}
