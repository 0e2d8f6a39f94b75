import Ports
import Foundation
import Postgres
import Testing
import TestSupport
@testable import Ledger

@Suite("Ledger SQL: batched reservations and settlements")
struct LedgerBatchTests {
    @Test("a batch admits in order while both windows have room; the refused leave no ledger row")
    func batchInOrder() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("b1", daily: "1.00", monthly: "30.00")
        let store = LedgerStore(pool: h.pool)
        let outcomes = try await store.reserveMany([
            h.request("b1", micros: 600_000), h.request("b1", micros: 500_000), h.request("b1", micros: 400_000),
        ])
        guard case .reserved = outcomes[0], case .reserved = outcomes[2] else {
            Issue.record("first and third fit: \(outcomes)")
            return
        }
        #expect(outcomes[1] == .exceeded(window: .daily, limitMicros: 1_000_000, spentMicros: 0, reservedMicros: 600_000))
        #expect(try await h.counters("b1").1 == 1_000_000)
        #expect(try await h.pool.query("SELECT count(*) FROM budget_ledger").single()[0].int64() == 2)
        #expect(try await store.reserveMany([h.request("nobody", micros: 1), h.request("nobody", micros: 1)]) == [.unknownTenant, .unknownTenant])
    }

    @Test("one batch may hold several tenants: each is judged against its own limits, answers keep the request order")
    func mixedTenants() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("m-b", daily: "1.00", monthly: "30.00")
        try await h.tenant("m-a", daily: "0.50", monthly: "30.00")
        let store = LedgerStore(pool: h.pool)
        let outcomes = try await store.reserveMany([
            h.request("m-b", micros: 900_000), h.request("m-a", micros: 600_000), h.request("nobody", micros: 1),
            h.request("m-a", micros: 400_000), h.request("m-b", micros: 200_000),
        ])
        guard case .reserved(let first) = outcomes[0], case .reserved(let fourth) = outcomes[3] else {
            Issue.record("\(outcomes)")
            return
        }
        #expect(first.tenant == "m-b")
        #expect(fourth.tenant == "m-a")
        #expect(outcomes[1] == .exceeded(window: .daily, limitMicros: 500_000, spentMicros: 0, reservedMicros: 0))
        #expect(outcomes[2] == .unknownTenant)
        #expect(outcomes[4] == .exceeded(window: .daily, limitMicros: 1_000_000, spentMicros: 0, reservedMicros: 900_000))
        #expect(try await store.settleMany([(first, Settlement(actualMicros: 1)), (fourth, Settlement())]) == ["reserved", "reserved"])
        #expect(try await h.counters("m-b").0 == 1)
        #expect(try await h.counters("m-a").0 == 400_000)
    }

    @Test("a settlement batch records each cost once and its compensation; a repeat changes nothing")
    func settleBatch() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("b2", daily: "5.00", monthly: "50.00")
        let store = LedgerStore(pool: h.pool)
        let outcomes = try await store.reserveMany([h.request("b2", micros: 20_000), h.request("b2", micros: 30_000)])
        guard case .reserved(let a) = outcomes[0], case .reserved(let b) = outcomes[1] else { return }
        let body = Array(#"{"data":{}}"#.utf8)
        let items: [(Reservation, Settlement)] = [
            (a, Settlement(actualMicros: 16_000, actualTokens: 5, response: StoredResponse(status: 200, body: body),
                           compensationJSON: #"{"operation":"mutation { SafeNoop }","variables":{}}"#)),
            (b, Settlement()),
        ]
        #expect(try await store.settleMany(items) == ["reserved", "reserved"])
        #expect(try await store.settleMany(items) == ["settled", "settled"])
        let (spent, reserved, monthlySpent, _) = try await h.counters("b2")
        #expect(spent == 46_000)
        #expect(reserved == 0)
        #expect(monthlySpent == 46_000)
        let stored = try await h.pool.query("SELECT response_body FROM budget_ledger WHERE id = $1", [.uuid(a.id)]).single()[0].byteArray()
        #expect(stored == body)
        #expect(try await h.pool.query("SELECT count(*) FROM compensation_log").single()[0].int64() == 1)
    }

    @Test("64 concurrent batched callers on two pools never pass the limit by one micro-dollar")
    func concurrentBatches() async throws {
        let h = try await LedgerHarness.make()
        defer { h.close() }
        try await h.tenant("hot", daily: "1.000000", monthly: "30.00")
        let other = PostgresPool(configuration: try PostgresConfiguration(url: h.url, maxConnections: 8), logger: LedgerHarness.quiet)
        defer { other.close() }
        // A generous deadline: this test is about the limit, not about timeouts on a loaded machine.
        let ledgers = [Ledger(store: LedgerStore(pool: h.pool), timeout: .seconds(120)), Ledger(store: LedgerStore(pool: other), timeout: .seconds(120))]
        let admitted = await withTaskGroup(of: Int.self) { group in
            for caller in 0..<64 {
                group.addTask {
                    var count = 0
                    for _ in 0..<5 {
                        if case .success(.reserved) = await ledgers[caller % 2].reserveWithDeadline(h.request("hot", micros: 7_777)) {
                            count += 1
                        }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 128, "1,000,000 / 7,777 = 128 fit")
        #expect(try await h.ledgerTotal("hot") == Int64(admitted) * 7_777)
        #expect(try await h.pool.query("SELECT count(*) FROM budget_ledger").single()[0].int64() == Int64(admitted))
    }
}
