import Foundation
import Logging
import Postgres
import Testing
import TestSupport

/// `opa.url` through the real gateway: the four-eyes decision comes from an OPA REST data
/// API, timed as `opa_decision_duration_seconds{source="remote"}`; with that server gone,
/// `opa.fail_mode: closed` answers 503 and `open` decides with the in-process rules.
///
/// The server is scripts/opa-rest.py, a stand-in for OPA (no opa binary on this machine)
/// that answers OPA's REST shape with a real Rego engine (regorus) over policies/.
@Suite("External OPA through the gateway", .serialized)
struct ExternalOPAGatewayTests {
    static let python = "/opt/regorus-venv/bin/python"

    static func opaServer() throws -> (ManagedProcess, Int) {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError.setupFailed("no \(python): run `bash scripts/test.sh` (it installs regorus) or see scripts/lib.sh ensure_regorus")
        }
        let port = Ports.free()
        let root = Binaries.repositoryRoot
        let process = try ManagedProcess(
            name: "opa-rest", executable: python,
            arguments: [root + "/scripts/opa-rest.py", String(port), root + "/policies"])
        try Ports.waitUntilListening(port, timeout: 30, process: process)
        return (process, port)
    }

    static func stack(opaPort: Int, failMode: String) async throws -> (DemoStack, PostgresPool) {
        let url = try await offPool { try PQStack.migratedDatabase() }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 2),
                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let yaml = "opa:\n  url: http://127.0.0.1:\(opaPort)\n  timeout_ms: 500\n  fail_mode: \(failMode)\n"
        let stack = try await offPool { try DemoStack(extraYAML: yaml, environment: ["DATABASE_URL": url]) }
        return (stack, pool)
    }

    @Test("decisions come from OPA; OPA gone: closed is 503, open falls back to the same rules")
    func remoteDecisions() async throws {
        let (opa, opaPort) = try await offPool { try Self.opaServer() }
        defer { opa.stop() }
        let (closed, closedPool) = try await Self.stack(opaPort: opaPort, failMode: "closed")
        defer { closedPool.close() }
        let (open, openPool) = try await Self.stack(opaPort: opaPort, failMode: "open")
        defer { openPool.close() }

        let bulk = #"mutation { bulkDeleteEntities(ids: [\"e-1\"]) }"#
        let cheap = #"mutation { SafeNoop }"#
        for stack in [closed, open] {
            let needs = try await FourEyesGatewayTests.mutate(stack.gatewayPort, bulk)
            #expect(needs.code == "APPROVAL_REQUIRED", "\(needs.text)")
            #expect((needs.extensions["reasons"] as? [String]) == ["risk_tag:bulk_delete"])
            #expect(try await FourEyesGatewayTests.mutate(stack.gatewayPort, cheap).status == 200)
        }
        let metrics = try await FourEyesGatewayTests.send(closed.gatewayPort, "GET", "/metrics", headers: [:])
        #expect(metrics.text.contains(#"opa_decision_duration_seconds_count{source="remote"} 2"#), "\(metrics.text)")

        opa.stop()
        let refused = try await FourEyesGatewayTests.mutate(closed.gatewayPort, cheap)
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.code == "DEPENDENCY_UNAVAILABLE")
        let fallback = try await FourEyesGatewayTests.mutate(open.gatewayPort, bulk)
        #expect(fallback.code == "APPROVAL_REQUIRED", "the in-process rules still require approval: \(fallback.text)")
        #expect(try await FourEyesGatewayTests.mutate(open.gatewayPort, cheap).status == 200)
        let openMetrics = try await FourEyesGatewayTests.send(open.gatewayPort, "GET", "/metrics", headers: [:])
        #expect((metricValue(openMetrics.text, #"four_eyes_errors_total{kind="opa"}"#) ?? 0) > 0, "\(openMetrics.text)")
    }
}
