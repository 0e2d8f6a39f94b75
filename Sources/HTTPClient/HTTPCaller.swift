import HTTP
import Sockets
import Synchronization

/// Request/response calls to one HTTP service (OPA, the upstream for `safemut compensate`,
/// later Prometheus and webhooks) from async code, through the same keep-alive pool the
/// gateway proxies with.
///
/// The caller owns one event loop: sockets are non-blocking, and an awaiting task holds no
/// thread while the service thinks, so the cooperative pool is never blocked by a syscall.
/// `shutdown()` stops the loop's thread; so does the caller's last reference going away
/// (the loop's own closures hold the pool, never the caller, so that is never on the loop).
public final class HTTPCaller: Sendable {
    /// A complete answer.
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: [UInt8]

        public init(status: Int, body: [UInt8]) {
            self.status = status
            self.body = body
        }
    }

    public let configuration: UpstreamConfiguration
    private let group: EventLoopGroup
    private let pool: LoopConfinedPool
    private let stopped = Atomic<Bool>(false)

    /// Starts the loop and resolves `configuration.host` once (getaddrinfo, at start-up only).
    public init(configuration: UpstreamConfiguration, name: String) throws(HTTPCallError) {
        self.configuration = configuration
        do {
            group = try EventLoopGroup(count: 1, namePrefix: name)
        } catch {
            throw .unusable("cannot start the \(name) client's event loop: \(error)")
        }
        let loop = group.loops[0]
        do {
            pool = try loop.runAndWait {
                LoopConfinedPool(loop: loop, pool: try UpstreamPool(loop: loop, configuration: configuration, counters: UpstreamPoolCounters()))
            }
        } catch {
            group.shutdown()
            throw .unusable("cannot resolve \(configuration.host): \(error)")
        }
    }

    /// Sends one request to `configuration.basePath + path` and waits (without a thread) for
    /// the whole answer. `Host` and `Content-Length` are added. `idempotent`: the pool may
    /// re-send it once after a stale keep-alive connection broke unanswered (never for a
    /// mutation). `timeoutMilliseconds` bounds the whole call; without it, the pool's connect
    /// and read (inactivity) timeouts do. Answers past `maxResponseBytes` are refused.
    public func call(
        method: String, path: String, headers extra: [(String, String)] = [], body: [UInt8] = [],
        idempotent: Bool, timeoutMilliseconds: Int? = nil, maxResponseBytes: Int = 8 << 20
    ) async -> Result<Answer, HTTPCallError> {
        let configuration = self.configuration
        let pool = self.pool
        return await withCheckedContinuation { continuation in
            pool.loop.execute {
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: configuration.hostHeader)
                for (name, value) in extra { headers.add(name: name, value: value) }
                let request = UpstreamRequest(
                    head: HTTPRequestHead(method: method, target: configuration.basePath + path, headers: headers),
                    body: body, idempotent: idempotent)
                let exchange = HTTPCallExchange(loop: pool.loop, maxResponseBytes: maxResponseBytes, continuation: continuation)
                if let timeoutMilliseconds {
                    // The timer first: the pool may fail the exchange before `execute` returns.
                    exchange.timer = pool.loop.scheduleTimer(afterNanos: UInt64(max(1, timeoutMilliseconds)) * 1_000_000) {
                        exchange.timedOut(milliseconds: timeoutMilliseconds)
                    }
                }
                exchange.upstream = pool.pool.execute(request, delegate: exchange)
            }
        }
    }

    /// Closes idle connections and stops the loop's thread. Calls after this never answer.
    public func shutdown() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let pool = self.pool
        _ = try? pool.loop.runAndWait { pool.pool.closeIdle() }
        group.shutdown()
    }

    deinit {
        shutdown()
    }
}

/// Why a call got no complete answer.
public enum HTTPCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The client could not start (no event loop, the host does not resolve).
    case unusable(String)
    /// The pool failed the exchange; `responseStarted`: part of an answer had arrived.
    case upstream(UpstreamError, responseStarted: Bool)
    /// The whole call ran past its deadline; the connection was dropped.
    case timeout(milliseconds: Int)
    /// The answer was larger than the caller accepts; the connection was dropped.
    case responseTooLarge(limit: Int)

    /// False only when the request provably never left (no connection was made, none was
    /// free): a mutation sent with an error that may have arrived may have run.
    public var requestMayHaveArrived: Bool {
        switch self {
        case .unusable: false
        case .upstream(let error, let started): started || !error.requestNeverSent
        case .timeout, .responseTooLarge: true
        }
    }

    public var description: String {
        switch self {
        case .unusable(let why): why
        case .upstream(let error, _): "\(error)"
        case .timeout(let milliseconds): "no complete answer within \(milliseconds) ms"
        case .responseTooLarge(let limit): "the answer is larger than \(limit) bytes"
        }
    }
}

/// One call's trip on the caller's loop: collects the answer and resumes the waiting task
/// exactly once (answer, failure, size limit or the deadline).
final class HTTPCallExchange: UpstreamResponseDelegate {
    private let loop: EventLoop
    private let maxResponseBytes: Int
    private var continuation: CheckedContinuation<Result<HTTPCaller.Answer, HTTPCallError>, Never>?
    private var status = 0
    private var body: [UInt8] = []
    var upstream: UpstreamExchange?
    var timer: UInt64?

    init(loop: EventLoop, maxResponseBytes: Int, continuation: CheckedContinuation<Result<HTTPCaller.Answer, HTTPCallError>, Never>) {
        self.loop = loop
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
            finish(.failure(.responseTooLarge(limit: maxResponseBytes)))
        }
    }

    func upstreamEnd() {
        finish(.success(HTTPCaller.Answer(status: status, body: body)))
    }

    func upstreamFailed(_ error: UpstreamError, responseStarted: Bool) {
        finish(.failure(.upstream(error, responseStarted: responseStarted)))
    }

    /// The deadline passed: drop the connection (its late answer is unwanted).
    func timedOut(milliseconds: Int) {
        timer = nil
        upstream?.cancel()
        finish(.failure(.timeout(milliseconds: milliseconds)))
    }

    private func finish(_ result: Result<HTTPCaller.Answer, HTTPCallError>) {
        guard let continuation else { return }
        self.continuation = nil
        if let timer { loop.cancelTimer(timer) }
        timer = nil
        upstream = nil
        body = []
        continuation.resume(returning: result)
    }
}

/// The pool and the loop it belongs to.
/// `@unchecked Sendable`: `pool` is loop-confined and only touched inside `loop.execute`
/// or `loop.runAndWait` closures, i.e. on `loop`'s own thread; `loop` is Sendable.
final class LoopConfinedPool: @unchecked Sendable {  // guarded: loop-thread confinement (see above)
    let loop: EventLoop
    let pool: UpstreamPool

    init(loop: EventLoop, pool: UpstreamPool) {
        self.loop = loop
        self.pool = pool
    }
}
