import Contract
import Admin
import Audit
import Postgres
import Testing
import Workers

@Suite("GET /admin/workers/status, POST /admin/workers/canary-escalate")
struct WorkersAdminTests {
    static func admin(_ pool: PostgresPool, cleanDays: Int = 3) -> (WorkerRunner, WorkersAdmin) {
        let runner = WorkerRunner(
            pool: pool, reconcile: ReconcileWorker(pool: pool, logger: Harness.quiet),
            escalation: CanaryEscalationWorker(pool: pool, audit: AuditLog(pool: pool), cleanDaysRequired: cleanDays, configDryRun: false, logger: Harness.quiet),
            settings: WorkerRunner.Settings(reconcileInterval: .milliseconds(100), escalationInterval: .seconds(3_600)),
            logger: Harness.quiet)
        return (runner, WorkersAdmin(runner: runner, logger: Harness.quiet))
    }

    static func escalate(_ admin: WorkersAdmin, body: String) async throws -> AdminReply {
        let endpoint = try AdminCalls.endpoint(admin.endpoints, "POST", "/admin/workers/canary-escalate")
        return await endpoint.handle(AdminCalls.call("POST", "/admin/workers/canary-escalate", body: body))
    }

    /// POSTs `body` to canary-escalate on a fresh database (no rollups, the runner not started).
    static func escalateOnFreshDatabase(body: String) async throws -> (AdminReply, WorkerRunner) {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let (runner, admin) = Self.admin(pool)
        return (try await Self.escalate(admin, body: body), runner)
    }

    @Test("the status shows the leader, each worker's last and next run, and the deployment's reconcile freshness")
    func status() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let (runner, admin) = Self.admin(pool)
        runner.start()
        #expect(await eventually { runner.status.reconcile.lastSuccess != nil && runner.status.escalation.lastSuccess != nil })
        let endpoint = try AdminCalls.endpoint(admin.endpoints, "GET", "/admin/workers/status")
        let reply = await endpoint.handle(AdminCalls.call("GET", "/admin/workers/status"))
        await runner.stop()
        #expect(reply.status == 200)
        let body = try AdminCalls.json(reply)
        #expect(body["enabled"] == .bool(true))
        #expect(body["leader"] == .bool(true))
        #expect(body["leader_since"]?.stringValue != nil)
        #expect(body["leader_backend_pid"]?.int64Value != nil)
        #expect(body["budget_daily_reconciled_at"]?.stringValue != nil)
        #expect(body["budget_daily_age_seconds"]?.int64Value != nil)
        let reconcile = try #require(body["workers"]?["reconcile"])
        #expect(reconcile["interval_ms"] == .number("100"))
        #expect(reconcile["last_run"]?.stringValue != nil)
        #expect(reconcile["last_success"]?.stringValue != nil)
        #expect(reconcile["next_run"]?.stringValue != nil)
        #expect(reconcile["last_error"] == .null)
        #expect(reconcile["last_result"]?["tenants"] == .number("3"))
        let escalation = try #require(body["workers"]?["canary_escalation"])
        #expect(escalation["interval_ms"] == .number("3600000"))
        #expect(escalation["last_result"]?["canary_tenants"] == .number("3"))
    }

    @Test("{\"dry_run\":true} runs one pass now, reports every canary's decision and changes no limit")
    func dryRunPass() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await EscalationTests.rollups(pool, "demo", days: [1, 2, 3])
        let (runner, admin) = Self.admin(pool)
        let reply = try await Self.escalate(admin, body: #"{"dry_run":true}"#)
        #expect(reply.status == 200)
        let body = try AdminCalls.json(reply)
        #expect(body["dry_run"] == .bool(true))
        #expect(body["clean_days_required"] == .number("3"))
        let decisions = try #require(body["decisions"]?.arrayValue)
        #expect(decisions.count == 3)
        let demo = try #require(decisions.first { $0["tenant_id"] == .string("demo") })
        #expect(demo["decision"] == .string("would_escalate"))
        #expect(demo["daily_usd_limit"] == .number("25.000000"))
        #expect(decisions.first { $0["tenant_id"] == .string("test") }?["decision"] == .string("not_eligible"))
        #expect(try await EscalationTests.limits(pool, "demo") == (25_000_000, 750_000_000))
        #expect(runner.status.escalation.runs == 1)
        // Recorded as the caller, with the request id.
        let row = try await pool.query("SELECT decided_by, applied FROM canary_escalations WHERE tenant_id = 'demo'").single()
        #expect(try row["decided_by"].string() == "alice")
        #expect(try !row["applied"].bool())
        let entry = try #require(try await AuditLog(pool: pool).page(AuditPageQuery(tenant: "demo")).records.first)
        #expect(entry.correlationID == "req-test-1")
    }

    @Test("{\"dry_run\":false} escalates the eligible canaries")
    func livePass() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await EscalationTests.rollups(pool, "demo", days: [1, 2, 3])
        let (_, admin) = Self.admin(pool)
        let reply = try await Self.escalate(admin, body: #"{"dry_run": false}"#)
        #expect(reply.status == 200)
        #expect(try AdminCalls.json(reply)["escalated"] == .number("1"))
        #expect(try await EscalationTests.limits(pool, "demo") == (50_000_000, 1_500_000_000))
    }

    @Test("a body without dry_run is 400: the key is required")
    func missingDryRun() async throws {
        let (reply, runner) = try await Self.escalateOnFreshDatabase(body: "{}")
        #expect(reply.status == 400)
        #expect(try AdminCalls.code(reply) == "BAD_REQUEST")
        #expect(String(decoding: reply.body, as: UTF8.self).contains("dry_run is required"))
        #expect(runner.status.escalation.runs == 0)
    }

    @Test("an empty body is 400")
    func emptyBody() async throws {
        let (reply, _) = try await Self.escalateOnFreshDatabase(body: "")
        #expect(reply.status == 400)
        #expect(try AdminCalls.code(reply) == "BAD_REQUEST")
    }

    @Test("dry_run that is not a boolean is 400", arguments: [#"{"dry_run":"true"}"#, #"{"dry_run":1}"#, #"{"dry_run":null}"#])
    func nonBooleanDryRun(_ body: String) async throws {
        let (reply, _) = try await Self.escalateOnFreshDatabase(body: body)
        #expect(reply.status == 400)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("expected true or false"))
    }

    @Test("an unknown key (a typo of dry_run) is 400, never a live pass")
    func unknownKey() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await EscalationTests.rollups(pool, "demo", days: [1, 2, 3])
        let (_, admin) = Self.admin(pool)
        let reply = try await Self.escalate(admin, body: #"{"dryRun":true}"#)
        #expect(reply.status == 400)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("dryRun"))
        #expect(try await EscalationTests.limits(pool, "demo") == (25_000_000, 750_000_000))
    }

    @Test("a body that is not a JSON object is 400", arguments: ["true", "[]", "{not json"])
    func notAnObject(_ body: String) async throws {
        let (reply, _) = try await Self.escalateOnFreshDatabase(body: body)
        #expect(reply.status == 400)
    }

    @Test("Postgres unreachable is 503 DEPENDENCY_UNAVAILABLE")
    func unreachable() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        pool.close()
        let (_, admin) = Self.admin(pool)
        let reply = try await Self.escalate(admin, body: #"{"dry_run":true}"#)
        #expect(reply.status == 503)
        #expect(try AdminCalls.code(reply) == "DEPENDENCY_UNAVAILABLE")
    }
}
