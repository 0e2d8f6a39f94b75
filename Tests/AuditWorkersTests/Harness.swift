import Foundation
import Logging
// Migrations runs through TestSupport's MigratedDatabase now; the import stays while
// Package.swift still declares the dependency (scripts/check-layers.sh refuses an unused one).
import Migrations
import Postgres
import TestSupport

/// A fresh migrated database per test on the harness's shared Postgres (as superuser, so
/// tests can disable a trigger the way a rogue superuser would).
struct Harness: Sendable {
    static let quiet = MigratedDatabase.quietLogger("test.audit-workers")

    let url: String

    static func make() async throws -> Harness {
        let (url, pool) = try await MigratedDatabase.make(prefix: "aw", maxConnections: 2, logger: quiet)
        pool.close()
        return Harness(url: url)
    }

    /// A pool of its own, like another replica's.
    func pool(maxConnections: Int = 4) throws -> PostgresPool {
        PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: maxConnections), logger: Self.quiet)
    }

    /// Runs a parameterless script (DDL, several statements) on a leased connection.
    func script(_ sql: String) async throws {
        let pool = try pool(maxConnections: 1)
        defer { pool.close() }
        try await pool.withConnection { session in try await session.executeScript(sql) }
    }

    /// One value of a one-row query, as text (nil for NULL).
    func text(_ sql: String, _ parameters: [PostgresValue?] = []) async throws -> String? {
        let pool = try pool(maxConnections: 1)
        defer { pool.close() }
        return try await pool.query(sql, parameters).single()[0].nonNull?.string()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes (a bound against
/// never, not a speed requirement); true when it held.
func eventually(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// `(now() AT TIME ZONE 'UTC')::date - days` in SQL, for rows on past UTC days.
func utcDay(minus days: Int) -> String {
    "((now() AT TIME ZONE 'UTC')::date - \(days))"
}
