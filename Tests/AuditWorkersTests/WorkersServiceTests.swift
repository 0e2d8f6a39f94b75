import Audit
import Config
import Testing
import TestSupport
import Workers

/// The entry point `serve` uses: built from the configuration, started, stopped from a
/// plain thread (serve's main thread on SIGTERM).
@Suite("WorkersService")
struct WorkersServiceTests {
    @Test("serve's service leads with the configured intervals and stops from a synchronous caller, releasing the lock")
    func startAndStopAndWait() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        var config = SafemutConfig(cpuCount: 1)
        config.workers.reconcileInterval = .milliseconds(100)
        config.workers.escalationInterval = .milliseconds(200)
        config.canary.cleanDays = 0
        config.canary.escalationDryRun = true
        let service = WorkersService(config: config, postgres: pool, audit: AuditLog(pool: pool), logger: Harness.quiet)
        #expect(service.endpoints.map { "\($0.method) \($0.template)" } == [
            "GET /admin/workers/status", "POST /admin/workers/canary-escalate",
        ])
        service.start()
        #expect(await eventually { service.runner.status.isLeader && service.runner.status.escalation.runs > 0 })
        #expect(service.runner.status.reconcile.interval == .milliseconds(100))
        #expect(service.runner.escalation.configDryRun)
        // Dry run from the configuration: recorded, nothing raised.
        #expect(try await EscalationTests.limits(pool, "demo") == (25_000_000, 750_000_000))
        #expect(try await EscalationTests.count(pool, "SELECT count(*) FROM canary_escalations WHERE dry_run AND NOT applied") == 3)

        try await offPool { service.stopAndWait() }
        #expect(!service.runner.status.isLeader)
        #expect(try await LeaderTests.holders(harness).isEmpty)
    }

    @Test("workers.enabled false: the service never leads but its admin routes still answer")
    func disabled() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        var config = SafemutConfig(cpuCount: 1)
        config.workers.enabled = false
        let service = WorkersService(config: config, postgres: pool, audit: AuditLog(pool: pool), logger: Harness.quiet)
        service.start()
        let status = try AdminCalls.endpoint(service.endpoints, "GET", "/admin/workers/status")
        let body = try AdminCalls.json(await status.handle(AdminCalls.call("GET", "/admin/workers/status")))
        #expect(body["enabled"] == .bool(false))
        #expect(body["leader"] == .bool(false))
        #expect(body["leader_backend_pid"] == .null)
        await service.stop()
    }
}
