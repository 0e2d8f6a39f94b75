import Ports
import Foundation
import Postgres
import Testing
import TestSupport
@testable import Ledger

@Suite("Ledger SQL: reserve, settle, release on real Postgres")
struct LedgerStoreTests {
    @Test("a reservation within the daily limit is held; the next one that would pass it is refused with the figures")
    func reserveAndExceed() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t1", daily: "1.00", monthly: "30.00")
        let store = LedgerStore(pool: h.pool)
        guard case .reserved = try await store.reserve(h.request("t1", micros: 600_000)) else {
            Issue.record("expected a reservation")
            return
        }
        let refused = try await store.reserve(h.request("t1", micros: 400_001))
        #expect(refused == .exceeded(window: .daily, limitMicros: 1_000_000, spentMicros: 0, reservedMicros: 600_000))
        guard case .reserved = try await store.reserve(h.request("t1", micros: 400_000)) else {
            Issue.record("exactly the limit must be allowed")
            return
        }
        let (_, dailyReserved, _, monthlyReserved) = try await h.counters("t1")
        #expect(dailyReserved == 1_000_000)
        #expect(monthlyReserved == 1_000_000)
    }

    @Test("the monthly limit refuses on its own window")
    func monthly() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t2", daily: "10.00", monthly: "1.50")
        let store = LedgerStore(pool: h.pool)
        _ = try await store.reserve(h.request("t2", micros: 1_000_000))
        let refused = try await store.reserve(h.request("t2", micros: 600_000))
        #expect(refused == .exceeded(window: .monthly, limitMicros: 1_500_000, spentMicros: 0, reservedMicros: 1_000_000))
    }

    @Test("a tenant without a budget row may spend nothing")
    func unknownTenant() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        #expect(try await LedgerStore(pool: h.pool).reserve(h.request("nobody", micros: 1)) == .unknownTenant)
    }

    @Test("settle records the actual cost as it is (above the estimate too), once; a retried settle changes nothing")
    func settleOnce() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t3", daily: "5.00", monthly: "50.00")
        let store = LedgerStore(pool: h.pool)
        guard case .reserved(let r) = try await store.reserve(h.request("t3", micros: 20_000)) else {
            Issue.record("expected a reservation")
            return
        }
        #expect(try await store.settle(r, Settlement(actualMicros: 35_000, actualTokens: 300)) == "reserved")
        #expect(try await store.settle(r, Settlement(actualMicros: 35_000, actualTokens: 300)) == "settled")
        let (spent, reserved, monthlySpent, monthlyReserved) = try await h.counters("t3")
        #expect(spent == 35_000)
        #expect(reserved == 0)
        #expect(monthlySpent == 35_000)
        #expect(monthlyReserved == 0)
        #expect(try await store.release(r) == "settled", "a release after settlement changes nothing")
        #expect(try await h.counters("t3").0 == 35_000)
    }

    @Test("without a reported cost the estimate is charged; release gives a reservation back")
    func estimateAndRelease() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t4", daily: "5.00", monthly: "50.00")
        let store = LedgerStore(pool: h.pool)
        guard case .reserved(let a) = try await store.reserve(h.request("t4", micros: 20_000)),
              case .reserved(let b) = try await store.reserve(h.request("t4", micros: 30_000)) else {
            Issue.record("expected reservations")
            return
        }
        try await store.settle(a, Settlement())
        #expect(try await store.release(b) == "reserved")
        #expect(try await store.release(b) == "released")
        let (spent, reserved, _, _) = try await h.counters("t4")
        #expect(spent == 20_000)
        #expect(reserved == 0)
    }

    @Test("an active override multiplies the limits; an expired one stops counting at its exact expiry, with no worker")
    func overrides() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t5", daily: "1.00", monthly: "30.00")
        let store = LedgerStore(pool: h.pool)
        _ = try await h.pool.query(
            "INSERT INTO budget_overrides (tenant_id, budget_multiplier, requested_by, expires_at) VALUES ('t5', 1.5, 'fin', now() + interval '1 hour')")
        guard case .reserved(let r) = try await store.reserve(h.request("t5", micros: 1_400_000)) else {
            Issue.record("1.5× of $1 allows $1.40")
            return
        }
        #expect(r.multiplierMillis == 1_500)
        #expect(try await store.reserve(h.request("t5", micros: 100_001)) == .exceeded(
            window: .daily, limitMicros: 1_500_000, spentMicros: 0, reservedMicros: 1_400_000))
        // The same override, now past its expiry: the plain limit applies at once.
        _ = try await h.pool.query(
            "UPDATE budget_overrides SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 millisecond' WHERE tenant_id = 't5'")
        #expect(try await store.reserve(h.request("t5", micros: 1)) == .exceeded(
            window: .daily, limitMicros: 1_000_000, spentMicros: 0, reservedMicros: 1_400_000))
    }

    @Test("Idempotency-Key: a retry is not debited again and gets the first response; another document is a conflict")
    func idempotency() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t6", daily: "5.00", monthly: "50.00")
        let store = LedgerStore(pool: h.pool)
        guard case .reserved(let first) = try await store.reserve(h.request("t6", micros: 20_000, key: "k-1")) else {
            Issue.record("expected a reservation")
            return
        }
        guard case .duplicate(_, "reserved", nil) = try await store.reserve(h.request("t6", micros: 20_000, key: "k-1")) else {
            Issue.record("in flight: a duplicate without a response")
            return
        }
        let body = Array(#"{"data":{"SafeNoop":true}}"#.utf8)
        try await store.settle(first, Settlement(actualMicros: 15_000, response: StoredResponse(status: 200, body: body)))
        let again = try await store.reserve(h.request("t6", micros: 20_000, key: "k-1"))
        #expect(again == .duplicate(ledgerID: first.id, status: "settled", response: StoredResponse(status: 200, body: body)))
        #expect(try await store.reserve(h.request("t6", micros: 20_000, key: "k-1", document: "doc-b")) == .conflict(ledgerID: first.id))
        #expect(try await h.counters("t6").0 == 15_000, "debited once")
        let rows = try await h.pool.query("SELECT count(*) FROM budget_ledger WHERE tenant_id = 't6'").single()[0].int64()
        #expect(rows == 1)
    }

    @Test("a key whose first attempt was released (the upstream never answered) may run again, on the same row")
    func idempotentRetryAfterRelease() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t7", daily: "5.00", monthly: "50.00")
        let store = LedgerStore(pool: h.pool)
        guard case .reserved(let first) = try await store.reserve(h.request("t7", micros: 20_000, key: "k-2")) else {
            Issue.record("expected a reservation")
            return
        }
        try await store.release(first)
        guard case .reserved(let second) = try await store.reserve(h.request("t7", micros: 20_000, key: "k-2")) else {
            Issue.record("a released key may be reserved again")
            return
        }
        #expect(second.id == first.id)
        #expect(try await h.counters("t7").1 == 20_000)
    }

    @Test("the settlement stores the upstream's compensation in the same transaction, once")
    func compensation() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t8", daily: "5.00", monthly: "50.00")
        let store = LedgerStore(pool: h.pool)
        guard case .reserved(let r) = try await store.reserve(h.request("t8", micros: 20_000)) else { return }
        let compensation = #"{"operation":"mutation Compensate($id: ID!) { deleteEntity(id: $id) }","variables":{"id":"e1"}}"#
        try await store.settle(r, Settlement(compensationJSON: compensation))
        try await store.settle(r, Settlement(compensationJSON: compensation))
        let row = try await h.pool.query("SELECT count(*), max(compensation->>'operation') FROM compensation_log WHERE ledger_id = $1", [.uuid(r.id)]).single()
        #expect(try row[0].int64() == 1)
        #expect(try row[1].string().contains("deleteEntity"))
    }

    @Test("across UTC midnight: yesterday's reservation settles against yesterday; today starts at zero; the month goes on")
    func midnight() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        // The store reads an injected clock, and the tenant's windows open on it.
        let clock = ManualWallClock(utc("2026-11-23T23:59:59Z"))
        try await h.tenant("t9", daily: "1.00", monthly: "30.00", at: clock.now)
        let store = LedgerStore(pool: h.pool, clock: .reading { clock.now })
        guard case .reserved(let late) = try await store.reserve(h.request("t9", micros: 900_000)) else {
            Issue.record("expected a reservation")
            return
        }
        // After midnight the day's counters restart; the month's still hold yesterday's reservation.
        clock.advance(2)
        guard case .reserved = try await store.reserve(h.request("t9", micros: 1_000_000)) else {
            Issue.record("a new day has its whole limit")
            return
        }
        clock.advance(1)
        try await store.settle(late, Settlement(actualMicros: 800_000))
        let (dailySpent, dailyReserved, monthlySpent, monthlyReserved) = try await h.counters("t9")
        #expect(dailySpent == 0, "yesterday's spend is not today's")
        #expect(dailyReserved == 1_000_000)
        #expect(monthlySpent == 800_000)
        #expect(monthlyReserved == 1_000_000)
        let day = try await h.pool.query("SELECT budget_day::text FROM budget_ledger WHERE id = $1", [.uuid(late.id)]).single()[0].string()
        #expect(day == "2026-11-23")
    }

    @Test("across a month end the monthly window restarts too")
    func monthEnd() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("t10", daily: "10.00", monthly: "1.00", at: utc("2026-11-30T23:59:59Z"))
        let store = LedgerStore(pool: h.pool)
        _ = try await store.reserve(h.request("t10", micros: 1_000_000), now: utc("2026-11-30T23:59:59Z"))
        #expect(try await store.reserve(h.request("t10", micros: 1), now: utc("2026-11-30T23:59:59Z")) == .exceeded(
            window: .monthly, limitMicros: 1_000_000, spentMicros: 0, reservedMicros: 1_000_000))
        guard case .reserved = try await store.reserve(h.request("t10", micros: 1_000_000), now: utc("2026-12-01T00:00:00Z")) else {
            Issue.record("December has its whole monthly limit")
            return
        }
    }

    @Test("64 concurrent reservations from two pools never pass the limit by one micro-dollar")
    func concurrent() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("hot", daily: "1.000000", monthly: "30.00")
        let other = PostgresPool(configuration: try PostgresConfiguration(url: h.url, maxConnections: 8), logger: LedgerHarness.quiet)
        defer { other.close() }
        let stores = [LedgerStore(pool: h.pool), LedgerStore(pool: other)]
        // 64 callers × 5 attempts of 7,777 µ$: 2.49 $ asked, 1 $ allowed; 1,000,000 / 7,777 = 128 fit.
        let admitted = try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<64 {
                group.addTask {
                    var count = 0
                    for _ in 0..<5 {
                        let outcome = try await stores[caller % 2].reserve(h.request("hot", micros: 7_777))
                        if case .reserved(let r) = outcome {
                            count += 1
                            if count % 2 == 0 { try await stores[caller % 2].settle(r, Settlement(actualMicros: 7_777)) }
                        }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(admitted == 128)
        let total = try await h.ledgerTotal("hot")
        #expect(total <= 1_000_000)
        #expect(total == Int64(admitted) * 7_777)
        let rows = try await h.pool.query("SELECT count(*) FROM budget_ledger WHERE tenant_id = 'hot'").single()[0].int64()
        #expect(rows == Int64(admitted), "one ledger row per admitted request")
        let (spent, reserved, _, _) = try await h.counters("hot")
        #expect(spent + reserved == total)
    }

    @Test("64 concurrent callers on two pools straddling UTC midnight at a month end: no day passes its limit, windows never roll back")
    func concurrentAcrossMidnight() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        let before = utc("2026-11-30T23:59:59Z")
        try await h.tenant("edge", daily: "0.500000", monthly: "0.800000", at: before)
        let other = PostgresPool(configuration: try PostgresConfiguration(url: h.url, maxConnections: 8), logger: LedgerHarness.quiet)
        defer { other.close() }
        let stores = [LedgerStore(pool: h.pool), LedgerStore(pool: other)]
        let after = utc("2026-12-01T00:00:01Z")
        // Even callers act just before midnight, odd ones just after; the clock goes forward
        // for each caller, as it does for the database.
        let admitted = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for caller in 0..<64 {
                group.addTask {
                    var counts = (0, 0)
                    for attempt in 0..<4 {
                        let late = caller % 2 == 1 || attempt >= 2
                        let outcome = try await stores[caller % 2].reserve(h.request("edge", micros: 13_000), now: late ? after : before)
                        if case .reserved(let r) = outcome {
                            if late { counts.1 += 1 } else { counts.0 += 1 }
                            if attempt % 2 == 0 { try await stores[caller % 2].settle(r, Settlement(actualMicros: 13_000), now: after) }
                        }
                    }
                    return counts
                }
            }
            return try await group.reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
        let days = try await h.pool.query(
            """
            SELECT budget_day::text AS day,
                   sum(CASE WHEN status = 'settled' THEN actual_usd WHEN status = 'reserved' THEN estimated_usd ELSE 0 END) AS total,
                   count(*) AS n
            FROM budget_ledger WHERE tenant_id = 'edge' GROUP BY budget_day ORDER BY 1
            """)
        var totals: [String: Int64] = [:]
        var rows = 0
        for row in days {
            totals[try row["day"].string()] = try row["total"].micros()
            rows += try row["n"].int()
        }
        #expect(rows == admitted.0 + admitted.1, "one ledger row per admission")
        #expect(Int64(rows) * 13_000 == totals.values.reduce(0, +))
        // Neither day passes its limit (a late pre-midnight request is charged to the new
        // day, never resets it), and December is filled as far as 13,000 µ$ steps allow.
        #expect((totals["2026-11-30"] ?? 0) <= 500_000)
        #expect((totals["2026-12-01"] ?? 0) <= 500_000)
        #expect((totals["2026-12-01"] ?? 0) > 500_000 - 13_000, "\(totals)")
        let counters = try await h.counters("edge")
        #expect(counters.0 + counters.1 == totals["2026-12-01"], "the live day is December 1st and matches its ledger rows")
        #expect(counters.2 + counters.3 == totals["2026-12-01"], "the live month is December")
    }
}
