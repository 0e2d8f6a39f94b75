import Foundation
import Postgres
import Testing
import TestSupport
@testable import Ledger

@Suite("one wall clock: the ledger's, the database's and this process's")
struct WallClockTests {
    @Test("the database's now() and this process's clock agree (under scripts/test-dates.sh both are shifted together)")
    func databaseAndProcessAgree() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        let before = Date()
        let row = try await h.pool.query("SELECT extract(epoch FROM now())::float8::text").single()
        let database = try #require(Double(try row[0].string()))
        let after = Date()
        // Loose bounds: the point is a shifted Postgres and an unshifted test (or the reverse)
        // would be days apart, and every date test would then be testing the wrong day.
        #expect(database >= before.timeIntervalSince1970 - 5 && database <= after.timeIntervalSince1970 + 5)
    }

    @Test("the store passes its injected clock to SQL: a reservation's row carries the clock's day, not today's")
    func injectedClockReachesSQL() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        let clock = ManualWallClock(utc("2031-07-04T12:00:00Z"))
        try await h.tenant("clocked", daily: "1.00", monthly: "10.00", at: clock.now)
        let store = LedgerStore(pool: h.pool, clock: .reading { clock.now })
        guard case .reserved(let r) = try await store.reserve(h.request("clocked", micros: 10_000)) else {
            Issue.record("expected a reservation")
            return
        }
        let day = try await h.pool.query("SELECT budget_day::text FROM budget_ledger WHERE id = $1", [.uuid(r.id)]).single()[0].string()
        #expect(day == "2031-07-04")
        #expect(LedgerClock.database.now() == nil, "the default leaves now() to the database")
        #expect(LedgerClock.database.now(clock.now) == clock.now, "an explicit instant wins")
    }
}
