import Logging
import Synchronization

/// A bounded pool of Postgres connections. Connections are opened lazily up to
/// `maxConnections`; a caller beyond that waits (FIFO) up to `acquireTimeout`.
/// A connection that dies is reconnected by its own thread on next use, so the
/// pool's size never shrinks below what it grew to and a restarted server is
/// picked up without help.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    let logger: Logger
    private let state: Mutex<State>

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Result<PostgresConnection, PostgresError>, Never>
    }

    private struct State {
        var idle: [PostgresConnection] = []
        var opened = 0
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var closed = false
        var acquired: UInt64 = 0
        var totalWait: Duration = .zero
        var maxWait: Duration = .zero
        var timeouts: UInt64 = 0
        var errors: [PostgresError.Kind: UInt64] = [:]
    }

    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "safemut.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.state = Mutex(State())
    }

    /// A pool for `DATABASE_URL` with default sizes.
    public convenience init(url: String, maxConnections: Int = 10, logger: Logger = Logger(label: "safemut.postgres")) throws(PostgresError) {
        self.init(configuration: try PostgresConfiguration(url: url, maxConnections: maxConnections), logger: logger)
    }

    /// Runs `body` with a connection leased for its whole duration (session
    /// state, advisory locks and transactions live on it), then returns it.
    public func withConnection<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        let connection = try await acquire()
        let session = PostgresSession(connection: connection, pool: self)
        do {
            let value = try await body(session)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// One statement on any free connection.
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws(PostgresError) -> PostgresRows {
        let connection = try await acquire()
        defer { release(connection) }
        return try await PostgresSession(connection: connection, pool: self).query(sql, parameters)
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T: Sendable>(
        isolation: PostgresIsolation = .readCommitted,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        try await withConnection { session in try await session.transaction(isolation: isolation, body) }
    }

    /// Runs `body` holding session advisory lock `key` (waits for it), on a connection of its own.
    public func withAdvisoryLock<T: Sendable>(_ key: Int64, _ body: (PostgresSession) async throws -> T) async throws -> T {
        try await withConnection { session in
            try await session.advisoryLock(key)
            do {
                let value = try await body(session)
                try await session.advisoryUnlock(key)
                return value
            } catch {
                // If unlocking fails the connection is reset, which releases the lock too.
                _ = try? await session.advisoryUnlock(key)
                throw error
            }
        }
    }

    /// Runs `body` only if advisory lock `key` is free right now; nil when another session holds it.
    public func withTryAdvisoryLock<T: Sendable>(_ key: Int64, _ body: (PostgresSession) async throws -> T) async throws -> T? {
        try await withConnection { session -> T? in
            guard try await session.tryAdvisoryLock(key) else { return nil }
            do {
                let value = try await body(session)
                try await session.advisoryUnlock(key)
                return value
            } catch {
                _ = try? await session.advisoryUnlock(key)
                throw error
            }
        }
    }

    /// Round-trip time of `SELECT 1` (for readiness).
    public func ping() async throws(PostgresError) -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await query("SELECT 1")
        return clock.now - start
    }

    /// A snapshot of pool counters for metrics.
    public func stats() -> PostgresPoolStats {
        state.withLock { s in
            PostgresPoolStats(
                maxConnections: configuration.maxConnections, open: s.opened, idle: s.idle.count,
                inUse: s.opened - s.idle.count, waiting: s.waiters.count, acquired: s.acquired,
                totalWait: s.totalWait, maxWait: s.maxWait, acquireTimeouts: s.timeouts, errors: s.errors
            )
        }
    }

    /// Fails waiters, closes idle connections now and leased ones when returned.
    public func close() {
        let (idle, waiters) = state.withLock { s -> ([PostgresConnection], [Waiter]) in
            s.closed = true
            defer { s.idle = []; s.waiters = [] }
            return (s.idle, s.waiters)
        }
        idle.forEach { $0.close() }
        for waiter in waiters {
            waiter.continuation.resume(returning: .failure(PostgresError(.poolClosed, message: "pool closed")))
        }
    }

    deinit {
        state.withLock { s in s.idle.forEach { $0.close() } }
    }

    func record(_ error: PostgresError) {
        state.withLock { $0.errors[error.kind, default: 0] += 1 }
    }

    // MARK: leasing

    func acquire() async throws(PostgresError) -> PostgresConnection {
        let clock = ContinuousClock()
        let start = clock.now
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<PostgresConnection, PostgresError>, Never>) in
            let (immediate, waiterID) = state.withLock { s -> (Result<PostgresConnection, PostgresError>?, UInt64?) in
                if s.closed { return (.failure(PostgresError(.poolClosed, message: "pool closed")), nil) }
                if let connection = s.idle.popLast() { return (.success(connection), nil) }
                if s.opened < configuration.maxConnections {
                    s.opened += 1
                    return (.success(PostgresConnection(id: s.opened, configuration: configuration)), nil)
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
        let waited = clock.now - start
        state.withLock { s in
            switch result {
            case .success:
                s.acquired += 1
                s.totalWait += waited
                if waited > s.maxWait { s.maxWait = waited }
            case .failure(let error):
                if error.kind == .poolTimeout { s.timeouts += 1 }
                s.errors[error.kind, default: 0] += 1
            }
        }
        return try result.get()
    }

    private func expire(_ id: UInt64) {
        let waiter = state.withLock { s -> Waiter? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index)
        }
        waiter?.continuation.resume(returning: .failure(PostgresError(
            .poolTimeout, message: "no connection free within \(configuration.acquireTimeout)"
        )))
    }

    /// Returns a leased connection: first a cleanup job on its thread (roll back
    /// an abandoned transaction), then to the next waiter or the idle list.
    func release(_ connection: PostgresConnection) {
        connection.post { link in link.resetIfNeeded() }
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

/// Pool counters for `/metrics` and readiness.
public struct PostgresPoolStats: Sendable {
    public let maxConnections: Int
    /// Connections created (each has a thread; it reconnects itself when its server connection dies).
    public let open: Int
    public let idle: Int
    public let inUse: Int
    /// Callers waiting for a connection right now.
    public let waiting: Int
    /// Successful acquires since start.
    public let acquired: UInt64
    /// Sum and maximum of the time callers waited to acquire.
    public let totalWait: Duration
    public let maxWait: Duration
    public let acquireTimeouts: UInt64
    /// Failed statements and acquires by error kind since start.
    public let errors: [PostgresError.Kind: UInt64]
}

/// Transaction isolation levels.
public enum PostgresIsolation: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}
