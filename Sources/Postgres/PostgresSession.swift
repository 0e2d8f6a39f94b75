/// A connection leased from the pool for the duration of a closure. Session
/// state (transactions, `SET`, advisory locks) stays on this one connection.
public struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let pool: PostgresPool

    /// Runs one statement with `$n` parameters (prepared once per connection).
    public func query(_ sql: String, _ parameters: [PostgresValue?] = []) async throws(PostgresError) -> PostgresRows {
        let result = await connection.run { link, job in link.query(sql, parameters, job: job) }
        if case .failure(let error) = result { pool.record(error) }
        return try result.get()
    }

    /// Runs a parameterless script of one or more statements with the simple-query
    /// protocol (migrations only: it cannot bind parameters, so never build it from input).
    public func executeScript(_ sql: String) async throws(PostgresError) {
        let result = await connection.run { link, job in link.script(sql, job: job) }
        if case .failure(let error) = result { pool.record(error) }
        try result.get()
    }

    /// BEGIN; `body`; COMMIT — or ROLLBACK and rethrow when `body` throws.
    public func transaction<T: Sendable>(
        isolation: PostgresIsolation = .readCommitted,
        _ body: (PostgresSession) async throws -> T
    ) async throws -> T {
        try await executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try await body(self)
        } catch {
            // A failed ROLLBACK (connection gone) is cleaned up when the pool resets the connection.
            try? await executeScript("ROLLBACK")
            throw error
        }
        try await executeScript("COMMIT")
        return value
    }

    /// Waits for session advisory lock `key` (`pg_advisory_lock`).
    public func advisoryLock(_ key: Int64) async throws(PostgresError) {
        _ = try await query("SELECT pg_advisory_lock($1)", [.int(key)])
    }

    /// Takes session advisory lock `key` if free (`pg_try_advisory_lock`).
    public func tryAdvisoryLock(_ key: Int64) async throws(PostgresError) -> Bool {
        try await query("SELECT pg_try_advisory_lock($1) AS locked", [.int(key)]).single()["locked"].bool()
    }

    /// Releases session advisory lock `key` (`pg_advisory_unlock`); false if it was not held.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) async throws(PostgresError) -> Bool {
        try await query("SELECT pg_advisory_unlock($1) AS unlocked", [.int(key)]).single()["unlocked"].bool()
    }
}
