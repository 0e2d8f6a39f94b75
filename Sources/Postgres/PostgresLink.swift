import Synchronization

/// The state of one libpq connection, confined to its connection thread:
/// the `PGconn`, its prepared-statement cache, and (re)connecting. Only
/// `PostgresConnection`'s thread touches an instance.
final class PostgresLink {
    private let parameters: [(String, String)]
    private let setupSQL: String
    let cacheLimit: Int
    let cancel: CancelSlot
    private(set) var conn: LibPQ.Connection?
    /// Prepared statement names by SQL text (this connection's cache).
    var statements: [String: String] = [:]
    var nextStatement = 0

    init(configuration: PostgresConfiguration, cancel: CancelSlot) {
        self.parameters = configuration.connectParameters
        self.setupSQL = configuration.sessionSetupSQL
        self.cacheLimit = configuration.statementCacheSize
        self.cancel = cancel
    }

    /// Connects if needed and replaces a connection that died while idle.
    /// Nothing has been sent yet when this fails or reconnects, so a reconnect
    /// here is always safe.
    func ensureReady() -> PostgresError? {
        // An idle connection has nothing to read unless the server said goodbye
        // (FATAL 57P01 then EOF) or sent a notice; read until quiet or broken.
        var reads = 0
        while let conn, reads < 4, LibPQ.isOK(conn), LibPQ.isIdle(conn), LibPQ.hasPendingInput(conn) {
            reads += 1
            if !LibPQ.consumeInput(conn) || !LibPQ.isOK(conn) { drop() }
        }
        if let conn, LibPQ.isOK(conn) { return nil }
        drop()
        guard let fresh = LibPQ.connect(parameters) else {
            return PostgresError(.connectFailed, message: "libpq could not allocate a connection")
        }
        guard LibPQ.isOK(fresh) else {
            let error = PostgresError.connectFailure(LibPQ.errorMessage(fresh))
            LibPQ.finish(fresh)
            return error
        }
        if let result = LibPQ.exec(fresh, setupSQL) {
            defer { LibPQ.clear(result) }
            if !LibPQ.succeeded(result) {
                let error = LibPQ.error(of: result, on: fresh)
                LibPQ.finish(fresh)
                return error
            }
        }
        conn = fresh
        cancel.install(LibPQ.cancelHandle(fresh))
        return nil
    }

    /// Runs one parameterized statement, prepared once per connection and cached by its text.
    func query(_ sql: String, _ parameters: [PostgresValue?], job: UInt64) -> Result<PostgresRows, PostgresError> {
        if let error = ensureReady() { return .failure(error) }
        guard let conn else { return .failure(PostgresError(.connectionLost, message: "no connection")) }
        cancel.begin(job)
        defer { cancel.end() }
        var name = statements[sql]
        if name == nil, statements.count < cacheLimit {
            let candidate = "safemut_\(nextStatement)"
            nextStatement += 1
            let prepared = LibPQ.prepare(conn, name: candidate, sql: sql, parameterCount: parameters.count)
            defer { if let prepared { LibPQ.clear(prepared) } }
            guard let prepared, LibPQ.succeeded(prepared) else { return .failure(failed(prepared, conn)) }
            statements[sql] = candidate
            name = candidate
        }
        let result = LibPQ.execute(conn, name: name, sql: sql, parameters: parameters)
        defer { if let result { LibPQ.clear(result) } }
        guard let result, LibPQ.succeeded(result) else { return .failure(failed(result, conn)) }
        return .success(LibPQ.rows(of: result))
    }

    /// Runs a parameterless script of one or more statements (simple-query protocol).
    func script(_ sql: String, job: UInt64) -> Result<Void, PostgresError> {
        if let error = ensureReady() { return .failure(error) }
        guard let conn else { return .failure(PostgresError(.connectionLost, message: "no connection")) }
        cancel.begin(job)
        defer { cancel.end() }
        let result = LibPQ.exec(conn, sql)
        defer { if let result { LibPQ.clear(result) } }
        guard let result, LibPQ.succeeded(result) else { return .failure(failed(result, conn)) }
        return .success(())
    }

    /// After a caller is done: a connection left inside a transaction is rolled
    /// back, and one that cannot be is dropped (reconnected on next use).
    func resetIfNeeded() {
        guard let conn else { return }
        guard LibPQ.isOK(conn) else { drop(); return }
        if LibPQ.isIdle(conn) { return }
        let result = LibPQ.exec(conn, "ROLLBACK")
        let ok = result.map(LibPQ.succeeded) ?? false
        if let result { LibPQ.clear(result) }
        if !ok || !LibPQ.isIdle(conn) { drop() }
    }

    private func failed(_ result: LibPQ.Result?, _ conn: LibPQ.Connection) -> PostgresError {
        let error = LibPQ.error(of: result, on: conn)
        if !LibPQ.isOK(conn) { drop() }
        forgetStatementsIfStale(error)
        return error
    }

    /// A schema change can invalidate a cached plan's result type; forget the
    /// statements so the next call prepares them afresh.
    func forgetStatementsIfStale(_ error: PostgresError) {
        guard error.sqlState == "0A000" || error.sqlState == "26000" else { return }
        statements.removeAll()
        if let conn, LibPQ.isOK(conn), LibPQ.isIdle(conn), let r = LibPQ.exec(conn, "DEALLOCATE ALL") { LibPQ.clear(r) }
    }

    /// Closes the connection; the next call reconnects.
    func drop() {
        cancel.install(nil)
        if let conn { LibPQ.finish(conn) }
        conn = nil
        statements.removeAll()
    }
}

/// The cancel handle of a connection's current statement, shared between the
/// connection thread and whoever cancels a task. `Mutex` guards it; the job id
/// makes sure a late cancel never hits the next caller's statement.
final class CancelSlot: Sendable {
    private struct State: @unchecked Sendable {
        // The PGcancel pointer is only used and freed under the mutex.
        var handle: OpaquePointer?
        var runningJob: UInt64 = 0
    }
    private let state = Mutex(State())

    func install(_ handle: OpaquePointer?) {
        state.withLock { s in
            if let old = s.handle { LibPQ.freeCancel(old) }
            s.handle = handle
        }
    }

    func begin(_ job: UInt64) { state.withLock { $0.runningJob = job } }
    func end() { state.withLock { $0.runningJob = 0 } }

    /// Sends a cancel request if `job` is still the running statement (blocks
    /// for one short connection to the server: call it off the cooperative pool).
    func cancel(job: UInt64) {
        state.withLock { s in
            guard s.runningJob == job, let handle = s.handle else { return }
            LibPQ.cancel(handle)
        }
    }

    deinit {
        state.withLock { s in
            if let handle = s.handle { LibPQ.freeCancel(handle) }
            s.handle = nil
        }
    }
}
