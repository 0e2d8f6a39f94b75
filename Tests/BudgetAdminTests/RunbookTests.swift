import Foundation
import Kit
import Testing
import TestSupport

/// The operators' runbook commands (SPEC §9), run verbatim by bash with real `curl` and
/// `jq`, with only the address pointed at the harness (`$API`; the rollout guide's literal
/// `http://localhost:4000` becomes `$API`).
@Suite("runbook curls, verbatim")
struct RunbookTests {
    /// Runs `script` with `API` set; returns (exit status, stdout).
    static func bash(_ script: String, api: String) async throws -> (Int32, String) {
        try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", script]
            var environment = ProcessInfo.processInfo.environment
            environment["API"] = api
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: data, as: UTF8.self))
        }
    }

    @Test("rollout guide: create the emergency override (24h, 2x budget)")
    func createEmergencyOverride() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let (status, output) = try await Self.bash("""
            curl -X POST $API/admin/budget/override \\
              -H "Content-Type: application/json" \\
              -d '{"tenant_id":"test","budget_multiplier":2.0,"note":"Emergency maintenance","expires_hours":24}'
            """, api: h.api)
        #expect(status == 0)
        let reply = try JSONValue.parse(Array(output.utf8))
        #expect(reply["status"]?.stringValue == "pending_approval")
        #expect(reply["tenant_id"]?.stringValue == "test")
        #expect(try await h.audit("budget.override.create").count == 1)
    }

    @Test("rollout guide: check canary status (| jq)")
    func canaryStatus() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let (status, output) = try await Self.bash("curl -s $API/admin/budget/canary-status | jq", api: h.api)
        #expect(status == 0)
        let reply = try JSONValue.parse(Array(output.utf8))
        #expect(reply["canary_tenants"]?.arrayValue?.count == 3)
        let (plainStatus, plain) = try await Self.bash("curl $API/admin/budget/canary-status", api: h.api)
        #expect(plainStatus == 0)
        #expect(plain.contains("\"canary_tenants\""))
    }

    @Test("GA notes: canary utilization check, jq '.canary_tenants[]'")
    func canaryUtilization() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let (status, output) = try await Self.bash(#"curl -s "$API/admin/budget/status" | jq '.canary_tenants[]'"#, api: h.api)
        #expect(status == 0)
        for tenant in ["test", "demo", "maestro-internal"] {
            #expect(output.contains("\"tenant_id\": \"\(tenant)\""), "\(output)")
        }
        // SPEC §9 writes it without the quotes.
        let (specStatus, spec) = try await Self.bash("curl -s $API/admin/budget/status | jq '.canary_tenants[]'", api: h.api)
        #expect(specStatus == 0)
        #expect(spec == output)
        let (idsStatus, ids) = try await Self.bash(#"curl -s "$API/admin/budget/status" | jq -r '.canary_tenants[].tenant_id'"#, api: h.api)
        #expect(idsStatus == 0)
        #expect(ids == "demo\nmaestro-internal\ntest\n")
    }

    @Test("GA notes: budget health check, jq '.status'")
    func budgetHealth() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let (status, output) = try await Self.bash(#"curl -s "$API/health/budget" | jq '.status'"#, api: h.api)
        #expect(status == 0)
        #expect(output == "\"ok\"\n")
        let (specStatus, spec) = try await Self.bash("curl -s $API/health/budget | jq '.status'", api: h.api)
        #expect(specStatus == 0)
        #expect(spec == "\"ok\"\n")
    }
}
