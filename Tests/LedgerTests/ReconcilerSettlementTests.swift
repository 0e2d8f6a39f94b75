import Ports
import Foundation
import Postgres
import Testing
import TestSupport
@testable import Ledger

/// Issue 13 item 5 at the SQL level: a stale reservation is settled at its estimate by the
/// reconciler (it may have run), and a late word from a live gateway corrects it.
@Suite("Ledger SQL: the reconciler settles stale reservations; the gateway's late word corrects them")
struct ReconcilerSettlementTests {
    /// A reservation past its TTL, as a replica killed after forwarding leaves it.
    static func staleReservation(_ h: LedgerHarness, tenant: String) async throws -> Reservation {
        let store = LedgerStore(pool: h.pool, reservationTTL: .milliseconds(1))
        guard case .reserved(let r) = try await store.reserve(h.request(tenant, micros: 20_000)) else {
            throw PostgresError(.decoding, message: "expected a reservation")
        }
        _ = try await h.pool.query("UPDATE budget_ledger SET expires_at = now() - interval '1 second' WHERE id = $1", [.uuid(r.id)])
        return r
    }

    static func settleStale(_ h: LedgerHarness, _ tenant: String) async throws {
        _ = try await h.pool.query("SELECT reconcile_daily_budget($1, (now() AT TIME ZONE 'UTC')::date)", [.text(tenant)])
    }

    @Test("a stale reservation is spent at its estimate, flagged settled_by = 'reconciler', not released")
    func staleIsSettledAtEstimate() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("r1", daily: "1.00", monthly: "10.00")
        let r = try await Self.staleReservation(h, tenant: "r1")
        try await Self.settleStale(h, "r1")
        let row = try await h.pool.query("SELECT status, settled_by, actual_usd FROM budget_ledger WHERE id = $1", [.uuid(r.id)]).single()
        #expect(try row["status"].string() == "settled")
        #expect(try row["settled_by"].string() == "reconciler")
        #expect(try row["actual_usd"].micros() == 20_000)
        #expect(try await h.counters("r1") == (20_000, 0, 20_000, 0))
    }

    @Test("the gateway's late settlement replaces the reconciler's estimate with the actual cost, once")
    func lateSettlementCorrects() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("r2", daily: "1.00", monthly: "10.00")
        let r = try await Self.staleReservation(h, tenant: "r2")
        try await Self.settleStale(h, "r2")
        let store = LedgerStore(pool: h.pool)
        #expect(try await store.settle(r, Settlement(actualMicros: 16_000)) == "reconciled")
        #expect(try await store.settle(r, Settlement(actualMicros: 16_000)) == "settled", "a retry changes nothing")
        #expect(try await h.counters("r2") == (16_000, 0, 16_000, 0))
        let row = try await h.pool.query("SELECT settled_by, actual_usd FROM budget_ledger WHERE id = $1", [.uuid(r.id)]).single()
        #expect(try row["settled_by"].string() == "gateway")
        #expect(try row["actual_usd"].micros() == 16_000)
    }

    @Test("the same correction through the batched settlement")
    func lateBatchSettlementCorrects() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("r3", daily: "1.00", monthly: "10.00")
        let r = try await Self.staleReservation(h, tenant: "r3")
        try await Self.settleStale(h, "r3")
        let priors = try await LedgerStore(pool: h.pool).settleMany([(r, Settlement(actualMicros: 25_000))])
        #expect(priors == ["reconciled"])
        #expect(try await h.counters("r3") == (25_000, 0, 25_000, 0))
    }

    @Test("the gateway's late release (proof the request never left) gives the reconciler's estimate back")
    func lateReleaseUndoes() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("r4", daily: "1.00", monthly: "10.00")
        let r = try await Self.staleReservation(h, tenant: "r4")
        try await Self.settleStale(h, "r4")
        #expect(try await LedgerStore(pool: h.pool).release(r) == "reconciled")
        #expect(try await h.counters("r4") == (0, 0, 0, 0))
        let row = try await h.pool.query("SELECT status, settled_by FROM budget_ledger WHERE id = $1", [.uuid(r.id)]).single()
        #expect(try row["status"].string() == "released")
        #expect(row["settled_by"].nonNull == nil)
        // The rollup agrees with the live counters.
        try await Self.settleStale(h, "r4")
        #expect(try await h.counters("r4") == (0, 0, 0, 0))
    }
}
