import Foundation
import Glibc
import Logging
import Postgres
import Synchronization
import Testing
import TestSupport

/// Races on money: many clients, more than one gateway process, one Postgres.
@Suite("Ledger races across gateway processes", .serialized)
struct LedgerRaceTests {
    /// Statuses of `perClient` createEntity calls by each of `clients` threads, alternating gateways.
    static func hammer(ports: [Int], clients: Int, perClient: Int, extraHeaders: String = "") -> [Int] {
        let results = Mutex<[Int]>([])
        let done = DispatchGroup()
        for i in 0..<clients {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                let port = ports[i % ports.count]
                for _ in 0..<perClient {
                    do {
                        let client = try RawHTTPClient(port: port, timeout: 20)
                        let body = #"{"query":"mutation { createEntity(name: \"race\") { id } }"}"#
                        try client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tenant: demo\r\n\(extraHeaders)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
                        let status = try client.readResponse(method: "POST").status
                        results.withLock { $0.append(status) }
                    } catch {
                        results.withLock { $0.append(-1) }
                    }
                }
            }
            thread.start()
        }
        _ = done.wait(timeout: .now() + 120)
        return results.withLock { $0 }
    }

    @Test("64 clients on two gateways spend one tenant's daily limit: never a micro-dollar over, one ledger row per admitted request")
    func twoGatewaysOneLimit() async throws {
        let (url, pool) = try await LedgerGatewayTests.database()
        defer { pool.close() }
        // $0.50: 25 reservations of $0.02 at once, ~31 once settled at $0.016.
        _ = try await pool.query("UPDATE tenant_budget SET daily_usd_limit = 0.500000 WHERE tenant_id = 'demo'")
        // A generous ledger deadline: this test is about the limit, not about timeouts on a
        // loaded 2-core machine (a timed-out reservation is released and answered 503).
        let generous = "budget:\n  statement_timeout_ms: 30000"
        let first = try await LedgerGatewayTests.stack(url, yaml: generous)
        let second = try await LedgerGatewayTests.stack(url, yaml: generous)
        let ports = [first.gatewayPort, second.gatewayPort]
        let statuses = try await offPool { Self.hammer(ports: ports, clients: 64, perClient: 3) }
        #expect(statuses.count == 192)
        #expect(statuses.allSatisfy { $0 == 200 || $0 == 402 }, "statuses: \(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
        let admitted = statuses.filter { $0 == 200 }.count
        #expect(admitted >= 25, "at least the limit's worth of reservations fits")

        let settled = try await LedgerGatewayTests.eventually {
            try await pool.query("SELECT count(*) FROM budget_ledger WHERE status = 'reserved'").single()[0].int64() == 0
        }
        #expect(settled, "every settlement lands")
        let rows = try await pool.query(
            """
            SELECT count(*) FILTER (WHERE status = 'settled'), count(*),
                   coalesce(sum(actual_usd) FILTER (WHERE status = 'settled'), 0)::text
            FROM budget_ledger WHERE tenant_id = 'demo'
            """).single()
        #expect(try rows[0].int64() == Int64(admitted), "one settled row per admitted request")
        #expect(try rows[1].int64() == Int64(admitted), "and no other rows")
        let spent = try rows[2].micros()
        #expect(spent <= 500_000, "spent \(spent) µ$ against a 500,000 µ$ limit")
        let counters = try await pool.query(
            "SELECT daily_spent_usd, daily_reserved_usd FROM tenant_budget WHERE tenant_id = 'demo'").single()
        #expect(try counters[0].micros() == spent, "the live counter equals the ledger")
        #expect(try counters[1].micros() == 0)
    }

    /// How many `race` entities the demo behind `port` holds for tenant demo (what the
    /// upstream actually ran).
    static func raceEntities(upstreamPort: Int) throws -> Int {
        let client = try RawHTTPClient(port: upstreamPort, timeout: 10)
        let body = #"{"query":"{ entities(limit: 500) { name } }"}"#
        try client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tenant: demo\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return try client.readResponse(method: "POST").text.components(separatedBy: #""name":"race""#).count - 1
    }

    @Test("kill -9 of a gateway after the upstream received its mutations: the reconciler settles them at their estimate, flagged, never releases them; nothing lost or counted twice")
    func killedGateway() async throws {
        let (url, pool) = try await LedgerGatewayTests.database()
        defer { pool.close() }
        let yaml = "budget:\n  reservation_ttl_ms: 1000\n  statement_timeout_ms: 30000"
        let doomed = try await LedgerGatewayTests.stack(url, yaml: yaml)
        let survivor = try await LedgerGatewayTests.stack(url, yaml: yaml)
        let doomedPort = doomed.gatewayPort
        // Slow requests through the doomed gateway, normal ones through the survivor.
        let slow = Task { try await offPool { Self.hammer(ports: [doomedPort], clients: 4, perClient: 1, extraHeaders: "X-Demo-Delay-Ms: 2000\r\n") } }
        let inFlight = try await LedgerGatewayTests.eventually {
            try await pool.query("SELECT count(*) FROM budget_ledger WHERE status = 'reserved'").single()[0].int64() == 4
        }
        #expect(inFlight)
        // The upstream has the four mutations (they are inside its 2 s delay) when the gateway dies.
        doomed.gateway.send(signal: SIGKILL)
        #expect(doomed.gateway.waitForExit(timeout: 5) != nil, "the gateway is gone")
        let fast = try await offPool { Self.hammer(ports: [survivor.gatewayPort], clients: 4, perClient: 2) }
        #expect(fast.allSatisfy { $0 == 200 })
        let slowStatuses = try await slow.value
        #expect(slowStatuses.allSatisfy { $0 != 200 }, "the killed gateway answered none: \(slowStatuses)")
        // The upstream ran them all the same: this is the spend a blind release would lose.
        let ran = try await LedgerGatewayTests.eventually {
            try await offPool { try Self.raceEntities(upstreamPort: doomed.upstreamPort) } == 4
        }
        #expect(ran, "the doomed gateway's upstream created its 4 entities")

        // Past the TTL, one reconcile pass (what the reconcile worker runs) settles them.
        try await Task.sleep(for: .milliseconds(1_200))
        _ = try await pool.query("SELECT reconcile_daily_budget('demo', (now() AT TIME ZONE 'UTC')::date)")
        let rows = try await pool.query(
            """
            SELECT count(*) FILTER (WHERE settled_by = 'reconciler'), count(*) FILTER (WHERE settled_by = 'gateway'),
                   count(*) FILTER (WHERE status IN ('reserved', 'released', 'expired')),
                   coalesce(sum(actual_usd) FILTER (WHERE settled_by = 'reconciler'), 0)::text
            FROM budget_ledger WHERE tenant_id = 'demo'
            """).single()
        #expect(try rows[0].int64() == 4, "the killed gateway's reservations, settled by the reconciler")
        #expect(try rows[1].int64() == 8, "the survivor's, each once")
        #expect(try rows[2].int64() == 0, "nothing released blind, nothing left reserved")
        #expect(try rows[3].string() == "0.080000", "4 × the $0.02 estimate")
        let counters = try await pool.query(
            "SELECT daily_spent_usd, daily_reserved_usd FROM tenant_budget WHERE tenant_id = 'demo'").single()
        #expect(try counters[0].micros() == 8 * 16_000 + 4 * 20_000)
        // Operators see them: /admin/budget/status counts today's reconciler settlements.
        let status = try await offPool { () throws -> String in
            let client = try RawHTTPClient(port: survivor.gatewayPort, timeout: 10)
            try client.send("GET /admin/budget/status?tenant=demo HTTP/1.1\r\nHost: x\r\nX-Tenant: ops\r\nX-User-Id: fin-1\r\nX-Roles: finance_admin\r\n\r\n")
            return try client.readResponse().text
        }
        #expect(status.contains(#""reconciler_settled":4"#), "\(status)")
        #expect(status.contains(#""reconciler_settled_usd":"0.080000""#) || status.contains(#""reconciler_settled_usd":0.08"#), "\(status)")
        #expect(try counters[1].micros() == 0)
    }
}
