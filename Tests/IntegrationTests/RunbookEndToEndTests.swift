import Foundation
import Postgres
import Testing
import TestSupport

/// The operators' runbook commands of SPEC §9, verbatim through bash, `curl` and `jq`,
/// against a real `safemut serve` (Postgres, Redis, intelgraph-demo) with only `$API`
/// pointed at it and the loopback operator on, as in the demo config.
@Suite("Runbook commands against safemut serve", .serialized)
struct RunbookEndToEndTests {
    /// Runs `script` with `API` set: its exit status and its output (stdout and stderr).
    static func bash(_ script: String, api: String) throws -> (status: Int32, output: String) {
        var env = ProcessInfo.processInfo.environment
        env["API"] = api
        let outcome = try DataCommand.run("/bin/bash", ["-o", "pipefail", "-c", script], environment: env, timeout: 120)
        return (outcome.status, outcome.output)
    }

    @Test("canary status, budget status, budget health, workers, override, escalation dry run, allowlist add, the smoke mutations, audit verify")
    func runbook() async throws {
        let pq = try await offPool { try PQStack(phase: "log", extraYAML: "admin:\n  loopback_operator: true") }
        let api = "http://127.0.0.1:\(pq.port)"
        func run(_ script: String) async throws -> (status: Int32, output: String) {
            try await offPool { try Self.bash(script, api: api) }
        }

        let canary = try await run("curl -s $API/admin/budget/canary-status | jq")
        #expect(canary.status == 0, "\(canary.output)")
        #expect(canary.output.contains("maestro-internal"))

        let tenants = try await run("curl -s $API/admin/budget/status | jq '.canary_tenants[]'")
        #expect(tenants.status == 0, "\(tenants.output)")
        #expect(tenants.output.contains("\"demo\"") || tenants.output.contains("demo"), "\(tenants.output)")

        let health = try await run("curl -s $API/health/budget | jq '.status'")
        #expect(health.status == 0)
        #expect(health.output.trimmingCharacters(in: .whitespacesAndNewlines) == "\"ok\"", "\(health.output)")

        let workers = try await run("curl $API/admin/workers/status")
        #expect(workers.status == 0)
        #expect(workers.output.contains("leader"), "\(workers.output)")

        let override = try await run("""
            curl -s -X POST $API/admin/budget/override -H "Content-Type: application/json" \
              -d '{"tenant_id":"test","budget_multiplier":2.0,"note":"Emergency capacity for incident","expires_hours":24}'
            """)
        #expect(override.output.contains("pending_approval"), "\(override.output)")

        let escalate = try await run("""
            curl -s -X POST $API/admin/workers/canary-escalate -H "Content-Type: application/json" -d '{"dry_run":true}'
            """)
        #expect(escalate.status == 0)
        #expect(escalate.output.contains(#""dry_run":true"#), "\(escalate.output)")

        let hash = sha256Hex("query Health { health }")
        let allow = try await run("""
            curl -s -X POST $API/admin/persisted-queries/allowlist -H "Content-Type: application/json" \
              -d '{"hashes":["\(hash)"],"action":"add"}'
            """)
        #expect(allow.output.contains(#""published":true"#), "\(allow.output)")

        let create = try await run(#"""
            curl -s -X POST $API/graphql -H "X-Tenant: demo" -d '{"query":"mutation { createEntity(name: \"rollback-test\") { id } }"}'
            """#)
        #expect(create.output.contains(#""createEntity":{"id""#), "\(create.output)")
        let noop = try await run(#"curl -s -X POST $API/graphql -H "X-Tenant: demo" -d '{"query":"mutation { SafeNoop }"}'"#)
        #expect(noop.output.contains(#""SafeNoop":true"#), "\(noop.output)")

        // Everything above that changed something is on the audit chain, which verifies.
        let verify = try await offPool { () -> (Int32?, String) in
            var env = ProcessInfo.processInfo.environment
            env["DATABASE_URL"] = pq.databaseURL
            let process = try ManagedProcess(
                name: "audit-verify", executable: try Binaries.path("safemut"), arguments: ["audit", "verify"],
                environment: env, currentDirectory: NSTemporaryDirectory())
            return (process.waitForExit(timeout: 30), process.output())
        }
        #expect(verify.0 == 0, "\(verify.1)")
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: pq.databaseURL, maxConnections: 1))
        defer { pool.close() }
        let actions = try await pool.query("SELECT action FROM audit_log ORDER BY seq").map { try $0["action"].string() }
        #expect(actions.contains("budget.override.create"), "\(actions)")
        #expect(actions.contains("pq.allowlist.add"), "\(actions)")
    }
}
