import Kit
import Logging
import Synchronization

/// A Redis client: a few multiplexed connections (one thread each, blocking
/// hiredis with timeouts) that pipeline many callers' commands, callers
/// `await`, and a circuit breaker in front so a dead Redis costs at most one
/// timeout per caller until the breaker opens and then nothing until a probe
/// succeeds.
///
/// A command goes to the least loaded connection; a new connection opens
/// (up to `maxConnections`) only when every open one is busy. Each connection
/// holds at most `maxPipelineDepth` commands; beyond that callers wait (FIFO)
/// up to `acquireTimeout`. Pub/sub lives on its own connection: `RedisSubscriber`.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    let logger: Logger
    private let now: @Sendable () -> ContinuousClock.Instant
    private let breaker: Mutex<CircuitBreaker>
    /// True while the breaker is closed with no failure counted: then admitting
    /// and recording a success change nothing, and skip the breaker's lock.
    private let breakerClean = Atomic<Bool>(true)
    let state: Mutex<PoolState>
    /// Callers waiting for pipeline room; lets a settling reply skip the lock when zero.
    let waiting = Atomic<Int>(0)
    /// Asked before each command while a drill runs (issue 18); nil outside the gateway.
    let faults: CallFaultHook?

    struct Waiter {
        let id: UInt64
        let since: ContinuousClock.Instant
        let continuation: CheckedContinuation<Result<RedisConnection, RedisError>, Never>
    }

    struct PoolState {
        var connections: [RedisConnection] = []
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
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        faults: CallFaultHook? = nil
    ) {
        self.faults = faults
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
        let decision = admit()
        if decision == .reject {
            record(RedisError(.circuitOpen, ""))
            throw RedisError(.circuitOpen, "Redis circuit open after repeated failures")
        }
        let result: Result<RedisReply, RedisError>
        // No fault in force: one closure call and one atomic load, no await.
        if let fault = faults?.next(), let injected = await act(fault) {
            // Through the breaker like a real failure: a drill of a dead Redis opens it.
            result = .failure(injected)
        } else {
            do throws(RedisError) {
                result = try await dispatch().run(arguments)
            } catch {
                result = .failure(error)
            }
        }
        switch result {
        case .success:
            recordSuccess()
        case .failure(let error):
            record(error)
            if error.isAvailabilityFailure {
                recordFailure()
            } else if error.kind == .server || error.kind == .replyTooLarge || error.kind == .aborted {
                // The server answered: it is alive.
                recordSuccess()
            } else if decision == .probe {
                // A probe that never reached the server (pool timeout) decides nothing; reopen.
                recordFailure()
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
        var call: [RedisArgument] = []
        call.reserveCapacity(3 + keys.count + arguments.count)
        call.append("EVALSHA")
        call.append(RedisArgument(script.sha1))
        call.append(RedisArgument(Int64(keys.count)))
        call.append(contentsOf: keys)
        call.append(contentsOf: arguments)
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

    deinit {
        state.withLock { s in s.connections.forEach { $0.close() } }
    }

    // MARK: breaker

    private func admit() -> CircuitBreaker.Decision {
        if breakerClean.load(ordering: .acquiring) { return .allow }
        let at = now()
        return breaker.withLock { $0.admit(now: at) }
    }

    /// Skips the lock when nothing is counted: a success racing a failure then
    /// lands as if it came first, which is one of the two orders anyway.
    private func recordSuccess() {
        if breakerClean.load(ordering: .acquiring) { return }
        breaker.withLock { b in
            b.recordSuccess()
            breakerClean.store(true, ordering: .releasing)
        }
    }

    private func recordFailure() {
        let at = now()
        breaker.withLock { b in
            breakerClean.store(false, ordering: .releasing)
            b.recordFailure(now: at)
        }
    }

    func record(_ error: RedisError) {
        state.withLock { $0.errors[error.kind, default: 0] += 1 }
    }
}
