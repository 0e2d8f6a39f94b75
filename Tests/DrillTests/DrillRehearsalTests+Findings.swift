import Drill
import Foundation
import Postgres
import Testing
import TestSupport

/// Drills that run to the end and find something wrong with the restore: a broken audit
/// chain (exit 1), a gateway that never admits the probe (exit 2, the RPO still measured).
extension DrillRehearsalTests {
    /// The demo upstream and an in-process plan against `source`, with `probe` as the mutation.
    static func inProcessPlan(
        server: PostgresServer, url: String, upstreamPort: Int, probe: String, gatewayTimeoutSeconds: Int64 = 120
    ) throws -> DrillPlan {
        DrillPlan(
            environment: "test", rpoTargetMilliseconds: 300_000, rtoTargetMilliseconds: 3_600_000, sourceURL: url,
            configPath: try DrillHarness.gatewayConfig(upstreamPort: upstreamPort), walArchive: server.archiveDirectory ?? "",
            backupPath: nil, scratchDirectory: nil, keepScratch: false, pgBin: server.binDirectory, lossAfterMilliseconds: 1_500,
            probe: try ProbeRequest(json: Array(probe.utf8), source: "test"), gatewayBinary: try Binaries.path("safemut"),
            gatewayTimeoutSeconds: gatewayTimeoutSeconds)
    }

    static func demoUpstream() async throws -> (ManagedProcess, Int) {
        let port = Ports.free()
        let demo = try ManagedProcess(
            name: "intelgraph-demo", executable: try Binaries.path("intelgraph-demo"), arguments: ["--listen", "127.0.0.1:\(port)"])
        try await offPool { try Ports.waitUntilListening(port, process: demo) }
        return (demo, port)
    }

    static let admitted = #"{"path":"/graphql","headers":{"X-Tenant":"demo"},"body":{"query":"mutation { createEntity(name: \"drill\") { id } }"}}"#

    @Test("an audit row altered on the source before the backup: the restore's audit verify names it, audit_broken, exit code 1")
    func auditBroken() async throws {
        let (server, url, pool) = try await DrillHarness.archivingSource()
        defer { server.stop() }
        defer { pool.close() }
        // What an attacker with table rights would do: bypass the no-update trigger, rewrite row 2.
        _ = try await pool.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
        _ = try await pool.query(#"UPDATE audit_log SET details = '{"rewritten": true}'::jsonb WHERE seq = 2"#)
        _ = try await pool.query("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update")
        let (demo, upstreamPort) = try await Self.demoUpstream()
        defer { demo.stop() }
        let plan = try Self.inProcessPlan(server: server, url: url, upstreamPort: upstreamPort, probe: Self.admitted)
        defer { try? FileManager.default.removeItem(atPath: plan.configPath) }

        let report = await DrillRehearsal.run(plan, logger: DrillHarness.quiet)
        #expect(report.errors.map(\.code) == [.auditBroken], "\(report.errors)")
        #expect(report.errors.first?.message.contains("seq 2") == true, "\(report.errors)")
        #expect(report.audit?.intact == false)
        #expect(report.rtoMilliseconds != nil, "the gateway still admitted the probe")
        #expect(report.exitCode == 1)
        #expect(!report.ok)
    }

    @Test("a probe the restored gateway refuses (402, unknown tenant): gateway_failed with the status, the RPO still measured, exit code 2")
    func gatewayNeverAdmits() async throws {
        let (server, url, pool) = try await DrillHarness.archivingSource()
        defer { server.stop() }
        defer { pool.close() }
        _ = try await pool.query("INSERT INTO budget_ledger (tenant_id, estimated_usd, correlation_id) VALUES ('demo', 0.01, 'before-backup')")
        let (demo, upstreamPort) = try await Self.demoUpstream()
        defer { demo.stop() }
        let refused = #"{"path":"/graphql","headers":{"X-Tenant":"no-such-tenant"},"body":{"query":"mutation { createEntity(name: \"drill\") { id } }"}}"#
        let plan = try Self.inProcessPlan(server: server, url: url, upstreamPort: upstreamPort, probe: refused, gatewayTimeoutSeconds: 3)
        defer { try? FileManager.default.removeItem(atPath: plan.configPath) }

        let report = await DrillRehearsal.run(plan, logger: DrillHarness.quiet)
        #expect(report.errors.map(\.code) == [.gatewayFailed], "\(report.errors)")
        #expect(report.errors.first?.message.contains("402") == true, "\(report.errors)")
        #expect(report.probe.status == 402)
        #expect(report.rtoMilliseconds == nil && !report.rtoMet)
        #expect(report.rpoMeasured)
        #expect(report.rows.beforeLoss >= 1 && report.rows.restored >= 1, "the row written before the backup is restored")
        #expect(report.audit?.intact == true)
        #expect(report.exitCode == 2)
    }
}
