import Contract
@testable import Admin
import BudgetAdmin
import Identity
import Logging
import Postgres
import Testing
import TestSupport

/// `BudgetHealth`, the check behind `GET /health/budget`.
@Suite("GET /health/budget")
struct BudgetHealthTests {
    @Test("ok on a fresh database: 200 and every check named")
    func ok() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("GET", "/health/budget")
        #expect(reply.status == 200)
        #expect(reply["status"]?.stringValue == "ok")
        #expect(reply.json?.at("checks.postgres.status")?.stringValue == "up")
        #expect(reply.json?.at("checks.stale_reservations.count")?.int64Value == 0)
        #expect(reply.json?.at("checks.tenants_over_limit.count")?.int64Value == 0)
    }

    @Test("degraded when a reservation is past its TTL and the grace, not before the grace runs out")
    func staleReservation() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("""
            INSERT INTO budget_ledger (tenant_id, created_at, estimated_usd, correlation_id, expires_at)
            VALUES ('demo', now() - interval '10 minutes', 0.02, 'req-stale', now() - interval '5 minutes')
            """)
        let reply = try await h.call("GET", "/health/budget")
        #expect(reply.status == 200)
        #expect(reply["status"]?.stringValue == "degraded")
        #expect(reply.json?.at("checks.stale_reservations.count")?.int64Value == 1)
        #expect(reply["reasons"]?.arrayValue?.count == 1)

        let patient = BudgetHealth(pool: h.pool, staleGrace: .seconds(3600), logger: BudgetHarness.quiet)
        #expect(await patient.evaluate().status == .ok)
    }

    @Test("degraded when a tenant's spend today is past its limit × override")
    func overLimit() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("UPDATE tenant_budget SET daily_spent_usd = 30 WHERE tenant_id = 'test'")
        let report = await BudgetHealth(pool: h.pool, logger: BudgetHarness.quiet).evaluate()
        #expect(report.status == .degraded)
        #expect(report.overLimit == ["test"])
        // A 2× override makes $30 fit again.
        let id = try await h.createOverride(tenant: "test", multiplier: "2", as: .alice)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob).status == 200)
        #expect(await BudgetHealth(pool: h.pool, logger: BudgetHarness.quiet).evaluate().status == .ok)
    }

    @Test("down (503) when Postgres does not answer")
    func postgresDown() async throws {
        let port = Ports.free()
        let pool = PostgresPool(configuration: try PostgresConfiguration(
            url: "postgresql://nobody@127.0.0.1:\(port)/none?connect_timeout=2", maxConnections: 1))
        defer { pool.close() }
        let (status, json) = await BudgetHealth(pool: pool, logger: BudgetHarness.quiet).check()
        #expect(status == 503)
        #expect(json["status"]?.stringValue == "down")
        #expect(json.at("checks.postgres.status")?.stringValue == "down")
        #expect(json.at("checks.postgres.error") != nil)
    }

    @Test("down (503) when no database is configured")
    func notConfigured() async {
        let (status, json) = await BudgetHealth(pool: nil, logger: BudgetHarness.quiet).check()
        #expect(status == 503)
        #expect(json["status"]?.stringValue == "down")
    }
}

/// A gateway without `database.url` still answers the budget routes, with a reason.
@Suite("budget routes without a database")
struct UnavailableRoutesTests {
    @Test("every budget route has a 503 twin naming database.url")
    func unavailable() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let live = h.admin.endpoints.map { "\($0.method) \($0.template)" }
        let stand = BudgetAdmin.unavailableEndpoints()
        #expect(stand.map { "\($0.method) \($0.template)" } == live)
        let reply = await stand[0].handle(AdminCall(
            method: "GET", path: "/admin/budget/status", parameters: [:], query: [:], body: [], headers: [],
            identity: .loopbackOperator, requestID: "r1"))
        #expect(reply.status == 503)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("database.url"))
    }
}
