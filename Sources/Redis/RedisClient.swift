import Logging
import Synchronization

/// A Redis client: a bounded pool of connections (one thread each, blocking
/// hiredis with timeouts), callers `await`, and a circuit breaker in front so
/// a dead Redis costs at most one timeout per caller until the breaker opens
/// and then nothing until a probe succeeds.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private let breaker: Mutex<CircuitBreaker>
    private let state: Mutex<PoolState>

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Result<RedisConnection, RedisError>, Never>
    }

    private struct PoolState {
        var idle: [RedisConnection] = []
        var opened = 0
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var closed = false
        var acquired: UInt64 = 0
        var totalWait: Duration = .zero
        var maxWait: Duration = .zero
        var errors: [RedisError.Kind: UInt64] = [:]
    }

    /// `now` is the breaker's clock (tests may pass a fake one).
    public init(
        configuration: RedisConfiguration,
        logger: Logger = Logger(label: "safemut.redis"),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.breaker = Mutex(CircuitBreaker(configuration: configuration.breaker))
        self.state = Mutex(PoolState())
    }

    /// A client for `REDIS_URL` with default sizes and timeouts.
    public convenience init(url: String) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url))
    }

    /// The breaker's state, for the circuit-state metric.
    public var breakerState: CircuitBreaker.State { breaker.withLock { $0.state } }

    /// Sends one command (binary-safe arguments) and returns its reply. An error
    /// reply is thrown as `RedisError.server` (or `.authenticationFailed` for NOAUTH).
    public func command(_ arguments: [RedisArgument]) async throws(RedisError) -> RedisReply {
        let decision = breaker.withLock { $0.admit(now: now()) }
        if decision == .reject {
            record(RedisError(.circuitOpen, ""))
            throw RedisError(.circuitOpen, "Redis circuit open after repeated failures")
        }
        let result: Result<RedisReply, RedisError>
        do throws(RedisError) {
            let connection = try await acquire()
            result = await connection.run(arguments)
            release(connection)
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success:
            breaker.withLock { $0.recordSuccess() }
        case .failure(let error):
            record(error)
            if error.isAvailabilityFailure {
                let at = now()
                breaker.withLock { $0.recordFailure(now: at) }
            } else if error.kind == .server || error.kind == .replyTooLarge {
                // The server answered: it is alive.
                breaker.withLock { $0.recordSuccess() }
            } else if decision == .probe {
                // A probe that never reached the server (pool timeout) decides nothing; reopen.
                let at = now()
                breaker.withLock { $0.recordFailure(now: at) }
            }
        }
        return try result.get()
    }

    /// `command` with text arguments: `try await redis.command("SET", "k", "v")`.
    public func command(_ name: String, _ arguments: String...) async throws(RedisError) -> RedisReply {
        try await command([RedisArgument(name)] + arguments.map { RedisArgument($0) })
    }

    /// `EVALSHA` of `script`; on `NOSCRIPT` (after a restart or `SCRIPT FLUSH`)
    /// loads it with `SCRIPT LOAD` and runs it again.
    public func evalSHA(_ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument] = []) async throws(RedisError) -> RedisReply {
        let call = [RedisArgument("EVALSHA"), RedisArgument(script.sha1), RedisArgument(Int64(keys.count))] + keys + arguments
        do {
            return try await command(call)
        } catch where error.serverCode == "NOSCRIPT" {
            let loaded = try await command(["SCRIPT", "LOAD", RedisArgument(script.source)])
            guard loaded.string == script.sha1 else {
                throw RedisError(.protocolError, "SCRIPT LOAD returned \(loaded.string ?? "?"), expected \(script.sha1)")
            }
            return try await command(call)
        }
    }

    /// The server clock (`TIME`) as microseconds since the Unix epoch.
    public func timeMicros() async throws(RedisError) -> Int64 {
        let reply = try await command(["TIME"])
        guard let parts = reply.array, parts.count == 2, let seconds = parts[0].integer, let micros = parts[1].integer else {
            throw RedisError(.protocolError, "TIME returned \(reply)")
        }
        return seconds * 1_000_000 + micros
    }

    /// Round-trip time of `PING` (for readiness).
    public func ping() async throws(RedisError) -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try await command(["PING"])
        guard reply == .status("PONG") else { throw RedisError(.protocolError, "PING returned \(reply)") }
        return clock.now - start
    }

    /// A snapshot of pool counters and breaker state for metrics.
    public func stats() -> RedisPoolStats {
        let breakerState = self.breakerState
        return state.withLock { s in
            RedisPoolStats(
                maxConnections: configuration.maxConnections, open: s.opened, idle: s.idle.count,
                inUse: s.opened - s.idle.count, waiting: s.waiters.count, acquired: s.acquired,
                totalWait: s.totalWait, maxWait: s.maxWait, errors: s.errors, breaker: breakerState
            )
        }
    }

    /// Fails waiters and closes connections (leased ones when they come back).
    public func close() {
        let (idle, waiters) = state.withLock { s -> ([RedisConnection], [Waiter]) in
            s.closed = true
            defer { s.idle = []; s.waiters = [] }
            return (s.idle, s.waiters)
        }
        idle.forEach { $0.close() }
        waiters.forEach { $0.continuation.resume(returning: .failure(RedisError(.closed, "client closed"))) }
    }

    deinit {
        state.withLock { s in s.idle.forEach { $0.close() } }
    }

    private func record(_ error: RedisError) {
        state.withLock { $0.errors[error.kind, default: 0] += 1 }
    }

    private func acquire() async throws(RedisError) -> RedisConnection {
        let clock = ContinuousClock()
        let start = clock.now
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<RedisConnection, RedisError>, Never>) in
            let (immediate, waiterID) = state.withLock { s -> (Result<RedisConnection, RedisError>?, UInt64?) in
                if s.closed { return (.failure(RedisError(.closed, "client closed")), nil) }
                if let connection = s.idle.popLast() { return (.success(connection), nil) }
                if s.opened < configuration.maxConnections {
                    s.opened += 1
                    return (.success(RedisConnection(id: s.opened, configuration: configuration)), nil)
                }
                s.nextWaiter += 1
                s.waiters.append(Waiter(id: s.nextWaiter, continuation: continuation))
                return (nil, s.nextWaiter)
            }
            if let immediate {
                continuation.resume(returning: immediate)
            } else if let waiterID {
                let timeout = configuration.acquireTimeout
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    self?.expire(waiterID)
                }
            }
        }
        if case .success = result {
            let waited = clock.now - start
            state.withLock { s in
                s.acquired += 1
                s.totalWait += waited
                if waited > s.maxWait { s.maxWait = waited }
            }
        }
        return try result.get()
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: .failure(RedisError(.poolTimeout, "no Redis connection free within \(configuration.acquireTimeout)")))
    }

    private func release(_ connection: RedisConnection) {
        let (waiter, closeIt) = state.withLock { s -> (Waiter?, Bool) in
            if s.closed {
                s.opened -= 1
                return (nil, true)
            }
            if !s.waiters.isEmpty { return (s.waiters.removeFirst(), false) }
            s.idle.append(connection)
            return (nil, false)
        }
        if closeIt { connection.close() }
        waiter?.continuation.resume(returning: .success(connection))
    }
}

/// One pooled connection: its own thread runs blocking hiredis calls.
final class RedisConnection: Sendable {
    let id: Int
    private let thread: RedisThread<RedisLink>

    init(id: Int, configuration: RedisConfiguration) {
        self.id = id
        self.thread = RedisThread(name: "redis-\(id)") { RedisLink(configuration: configuration) }
    }

    func run(_ arguments: [RedisArgument]) async -> Result<RedisReply, RedisError> {
        await withCheckedContinuation { continuation in
            let accepted = thread.submit { link in continuation.resume(returning: link.command(arguments)) }
            if !accepted { continuation.resume(returning: .failure(RedisError(.closed, "connection closed"))) }
        }
    }

    func close() {
        thread.close { link in link.drop() }
    }
}

/// Pool counters and breaker state for `/metrics` and readiness.
public struct RedisPoolStats: Sendable {
    public let maxConnections: Int
    public let open: Int
    public let idle: Int
    public let inUse: Int
    public let waiting: Int
    public let acquired: UInt64
    public let totalWait: Duration
    public let maxWait: Duration
    /// Failures by kind since start (`circuitOpen` counts fast-failed calls).
    public let errors: [RedisError.Kind: UInt64]
    public let breaker: CircuitBreaker.State
}
