import Audit
import Foundation
import Testing
import TestSupport

/// The `safemut` executable's `audit verify`, `reconcile` and `escalate` as an operator runs
/// them: the serve configuration from the environment, exit codes as documented.
@Suite("safemut audit verify, reconcile, escalate")
struct CommandTests {
    static func run(_ arguments: [String], environment: [String: String]) async throws -> (status: Int32?, output: String) {
        var env = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "REDIS_URL", "CANARY_CLEAN_DAYS", "CANARY_ESCALATION_DRY_RUN"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        let executable = try Binaries.path("safemut")
        let processEnvironment = env
        return try await offPool {
            let process = try ManagedProcess(
                name: "safemut-\(arguments.first ?? "cmd")", executable: executable, arguments: arguments,
                environment: processEnvironment, currentDirectory: NSTemporaryDirectory())
            let status = process.waitForExit(timeout: 120)
            return (status, process.output())
        }
    }

    @Test("audit verify exits 0 and prints the length and head of an intact chain")
    func verifyIntact() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        for index in 1...2 { try await AuditLog(pool: pool).append(AuditEntry(action: "test.\(index)", actor: "tester")) }
        let head = AuditHex.encode(try await pool.query("SELECT hash FROM audit_chain_head").single()["hash"].byteArray())
        let result = try await Self.run(["audit", "verify"], environment: ["DATABASE_URL": harness.url])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("intact: 2 row(s)"), "\(result.output)")
        #expect(result.output.contains(head))
    }

    @Test("audit verify exits 1 and names the first bad row of a tampered chain")
    func verifyTampered() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        for index in 1...3 { try await AuditLog(pool: pool).append(AuditEntry(action: "budget.override.\(index)", actor: "tester")) }
        let createdAt = try #require(try await AuditLog(pool: pool).record(seq: 2)).createdAt
        try await harness.script("""
            ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
            UPDATE audit_log SET created_by = 'someone-else' WHERE seq = 2;
            ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
            """)
        let result = try await Self.run(["audit", "verify"], environment: ["DATABASE_URL": harness.url])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("TAMPERED"), "\(result.output)")
        #expect(result.output.contains("seq 2 action budget.override.2 created_at \(createdAt)"), "\(result.output)")
    }

    @Test("audit verify without database.url exits 2 and names the key")
    func verifyWithoutDatabase() async throws {
        let result = try await Self.run(["audit", "verify"], environment: [:])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("database.url"), "\(result.output)")
    }

    @Test("audit verify with Postgres unreachable exits 3")
    func verifyUnreachable() async throws {
        let port = Ports.free()
        let result = try await Self.run(["audit", "verify"], environment: ["DATABASE_URL": "postgres://postgres@127.0.0.1:\(port)/none"])
        #expect(result.status == 3, "\(result.output)")
        #expect(result.output.contains("unreachable"), "\(result.output)")
    }

    @Test("reconcile runs one pass and prints what it settled at the estimate")
    func reconcileOnce() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        _ = try await pool.query("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, correlation_id, expires_at)
            VALUES ('demo', 'reserved', 0.500000, 'crashed', now() - interval '1 minute')
            """)
        let result = try await Self.run(["reconcile"], environment: ["DATABASE_URL": harness.url])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("demo: settled 1 stale reservation(s) at their estimate ($0.500000)"), "\(result.output)")
        #expect(result.output.contains("reconciled 3 tenant(s)"), "\(result.output)")
        #expect(try await harness.text("SELECT status || '/' || settled_by FROM budget_ledger WHERE correlation_id = 'crashed'") == "settled/reconciler")
    }

    @Test("escalate --dry-run prints the decisions, records them and changes no limit")
    func escalateDryRun() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await EscalationTests.rollups(pool, "demo", days: [1])
        let result = try await Self.run(["escalate", "--dry-run"], environment: ["DATABASE_URL": harness.url, "CANARY_CLEAN_DAYS": "1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("dry run"), "\(result.output)")
        #expect(result.output.contains("demo: would_escalate"), "\(result.output)")
        #expect(result.output.contains("test: not_eligible"), "\(result.output)")
        #expect(try await EscalationTests.limits(pool, "demo") == (25_000_000, 750_000_000))
        #expect(try await harness.text("SELECT decided_by FROM canary_escalations WHERE tenant_id = 'demo'")?.hasPrefix("cli:") == true)
    }

    @Test("escalate with CANARY_ESCALATION_DRY_RUN=true is a dry run although --dry-run was not given")
    func escalateConfigDryRun() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await EscalationTests.rollups(pool, "demo", days: [1])
        let result = try await Self.run(["escalate"], environment: [
            "DATABASE_URL": harness.url, "CANARY_CLEAN_DAYS": "1", "CANARY_ESCALATION_DRY_RUN": "true",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("canary.escalation_dry_run"), "\(result.output)")
        #expect(try await EscalationTests.limits(pool, "demo") == (25_000_000, 750_000_000))
    }

    @Test("escalate escalates an eligible canary")
    func escalateLive() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await EscalationTests.rollups(pool, "demo", days: [1])
        let result = try await Self.run(["escalate"], environment: ["DATABASE_URL": harness.url, "CANARY_CLEAN_DAYS": "1"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("demo: escalated"), "\(result.output)")
        #expect(result.output.contains("1 escalated"), "\(result.output)")
        #expect(try await EscalationTests.limits(pool, "demo") == (50_000_000, 1_500_000_000))
    }
}
