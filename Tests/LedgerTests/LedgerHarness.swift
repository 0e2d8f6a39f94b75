import Ports
import Foundation
import Logging
import Migrations
import Postgres
import TestSupport
@testable import Ledger

/// A fresh migrated database on the shared Postgres, with one tenant per test.
struct LedgerHarness: Sendable {
    static let quiet = MigratedDatabase.quietLogger("test.ledger")

    let url: String
    let pool: PostgresPool

    static func make() async throws -> LedgerHarness {
        let (url, pool) = try await MigratedDatabase.make(prefix: "ledger", logger: quiet)
        return LedgerHarness(url: url, pool: pool)
    }

    /// A tenant with these limits (dollars as exact decimal text), its day and month windows
    /// opened at `at` (the test's own clock) or, without it, at the database's `now()`.
    /// A test that reserves at a fixed instant passes that instant: windows never roll back,
    /// so a tenant created "today" would charge an earlier instant's reservations to today.
    func tenant(_ id: String, daily: String, monthly: String, at: Date? = nil) async throws {
        _ = try await pool.query(
            """
            INSERT INTO tenant_budget (tenant_id, daily_usd_limit, monthly_usd_limit, counter_day, counter_month, created_at)
            SELECT $1, $2::numeric, $3::numeric, (c.at AT TIME ZONE 'UTC')::date,
                   date_trunc('month', c.at AT TIME ZONE 'UTC')::date, c.at
            FROM (SELECT coalesce($4::timestamptz, now()) AS at) c
            """,
            [.text(id), .text(daily), .text(monthly), at.map { .timestamp($0) }])
    }

    /// (daily spent, daily reserved, monthly spent, monthly reserved) in micro-dollars.
    func counters(_ tenant: String) async throws -> (Int64, Int64, Int64, Int64) {
        let row = try await pool.query(
            "SELECT daily_spent_usd, daily_reserved_usd, monthly_spent_usd, monthly_reserved_usd FROM tenant_budget WHERE tenant_id = $1",
            [.text(tenant)]).single()
        return (try row[0].micros(), try row[1].micros(), try row[2].micros(), try row[3].micros())
    }

    /// Sum of settled (actual) plus reserved (estimate) in the ledger for the tenant.
    func ledgerTotal(_ tenant: String) async throws -> Int64 {
        try await pool.query(
            """
            SELECT coalesce(sum(CASE WHEN status = 'settled' THEN actual_usd WHEN status = 'reserved' THEN estimated_usd ELSE 0 END), 0)
            FROM budget_ledger WHERE tenant_id = $1
            """, [.text(tenant)]).single()[0].micros()
    }

    func request(_ tenant: String, micros: Int64, key: String? = nil, document: String = "doc-a", id: String = UUID().uuidString) -> ReservationRequest {
        ReservationRequest(
            tenant: tenant, estimateMicros: micros, estimateTokens: 10, operationName: "Op", documentHash: document,
            correlationID: id, idempotencyKey: key, user: "u1")
    }

    func close() { pool.close() }
}

/// UTC instants for clock-injected tests.
func utc(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)!
}
