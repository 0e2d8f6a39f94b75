import HTTP
import HTTPClient
import Sockets

/// One decision request's trip to OPA, on the client's loop: collects the answer and
/// resumes the waiting task exactly once (answer, failure or the overall deadline).
final class OPAExchange: UpstreamResponseDelegate {
    /// OPA's status and body, before they are read as a decision.
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
    }

    private let loop: EventLoop
    private let timeoutMilliseconds: Int
    private let maxResponseBytes: Int
    private var continuation: CheckedContinuation<Result<Answer, OPAError>, Never>?
    private var status = 0
    private var body: [UInt8] = []
    var upstream: UpstreamExchange?
    var timer: UInt64?

    init(
        loop: EventLoop,
        timeoutMilliseconds: Int,
        maxResponseBytes: Int,
        continuation: CheckedContinuation<Result<Answer, OPAError>, Never>
    ) {
        self.loop = loop
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxResponseBytes = maxResponseBytes
        self.continuation = continuation
    }

    func upstreamHead(_ head: HTTPResponseHead) {
        status = head.status
    }

    func upstreamBody(_ bytes: [UInt8]) {
        body += bytes
        if body.count > maxResponseBytes {
            upstream?.cancel()
            finish(.failure(.badJSON("answer larger than \(maxResponseBytes) bytes")))
        }
    }

    func upstreamEnd() {
        finish(.success(Answer(status: status, body: body)))
    }

    func upstreamFailed(_ error: UpstreamError, responseStarted: Bool) {
        finish(.failure(OPAError(error, timeoutMilliseconds: timeoutMilliseconds)))
    }

    /// The overall deadline passed: drop the connection (its late answer is unwanted).
    func timedOut() {
        timer = nil
        upstream?.cancel()
        finish(.failure(.timeout(milliseconds: timeoutMilliseconds)))
    }

    private func finish(_ result: Result<Answer, OPAError>) {
        guard let continuation else { return }
        self.continuation = nil
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        upstream = nil
        body = []
        continuation.resume(returning: result)
    }
}
