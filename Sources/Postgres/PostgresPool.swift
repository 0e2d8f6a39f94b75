import Kit
import Logging
import Synchronization

/// A bounded pool of Postgres connections. Connections are opened lazily up to
/// `maxConnections`; a connection that dies is reconnected by its own thread
/// on next use, so the pool's size never shrinks below what it grew to and a
/// restarted server is picked up without help.
///
/// Two ways to use a connection:
/// - **leased** (`withConnection`, `transaction`, advisory locks, and `query`
///   of anything but plain DML): the caller has the connection to itself; a
///   caller beyond the bound waits (FIFO) up to `acquireTimeout`;
/// - **shared** (`query` of `SELECT`/`INSERT`/`UPDATE`/`DELETE`/`WITH`/…):
///   the statement goes to an idle connection, or a new one, or — when every
///   connection is busy — is pipelined behind other callers' statements on the
///   least loaded unleased connection (at most `maxPipelineDepth` each).
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    let logger: Logger
    let state: Mutex<State>
    /// Callers waiting for a connection or pipeline room; lets a settling
    /// statement skip the lock when zero.
    let waiting = Atomic<Int>(0)
    /// Asked before each call while a drill runs (issue 18); nil outside the gateway.
    let faults: CallFaultHook?

    struct Slot {
        let connection: PostgresConnection
        var leased = false
    }

    enum WaiterKind { case lease, share }

    struct Waiter {
        let id: UInt64
        let kind: WaiterKind
        let since: ContinuousClock.Instant
        let continuation: CheckedContinuation<Result<PostgresConnection, PostgresError>, Never>
    }

    struct State {
        var slots: [Slot] = []
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
        var closed = false
        var acquired: UInt64 = 0
        var totalWait: Duration = .zero
        var maxWait: Duration = .zero
        var timeouts: UInt64 = 0
        var errors: [PostgresError.Kind: UInt64] = [:]
    }

    public init(configuration: PostgresConfiguration, logger: Logger = Logger(label: "safemut.postgres"), faults: CallFaultHook? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.faults = faults
        self.state = Mutex(State())
    }

    /// A pool for `DATABASE_URL` with default sizes.
    public convenience init(url: String, maxConnections: Int = 10, logger: Logger = Logger(label: "safemut.postgres")) throws(PostgresError) {
        self.init(configuration: try PostgresConfiguration(url: url, maxConnections: maxConnections), logger: logger)
    }

    /// Runs `body` with a connection leased for its whole duration (session
    /// state, advisory locks and transactions live on it), then returns it.
    public func withConnection<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        if let fault = faults?.next() { try await act(fault) }
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

    /// One statement in its own implicit transaction. Plain DML is pipelined
    /// with other callers' statements when every connection is busy; anything
    /// else runs on a leased connection (see `PostgresStatement`).
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws(PostgresError) -> PostgresRows {
        if let fault = faults?.next() { try await act(fault) }
        guard PostgresStatement.canPipeline(sql) else {
            let connection = try await acquire()
            defer { release(connection) }
            return try await PostgresSession(connection: connection, pool: self).query(sql, parameters)
        }
        let connection = try await route()
        let result = await connection.execute(sql, parameters)
        if case .failure(let error) = result { record(error) }
        return try result.get()
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

    deinit {
        state.withLock { s in s.slots.forEach { $0.connection.close() } }
    }

    func record(_ error: PostgresError) {
        state.withLock { $0.errors[error.kind, default: 0] += 1 }
    }
}

