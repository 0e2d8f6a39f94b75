import Foundation
import Testing
import TestSupport

/// `ops/post-deploy-smoke-tests.sh` (the GA notes' and the rollback plan's smoke tests)
/// against a real `safemut serve`: it passes on a healthy gateway, fails in rollback mode
/// when the bypass is off, and passes in rollback mode when `PQ_BYPASS=1` started it.
@Suite("Post-deploy smoke script against safemut serve", .serialized)
struct SmokeScriptTests {
    static let script = Binaries.repositoryRoot + "/ops/post-deploy-smoke-tests.sh"

    @Test("a healthy gateway passes; rollback mode without the bypass fails")
    func normalAndRollbackMismatch() async throws {
        let pq = try await offPool { try PQStack(phase: "log", extraYAML: "admin:\n  loopback_operator: true") }
        let api = "http://127.0.0.1:\(pq.port)"
        let healthy = try await offPool { try RunbookEndToEndTests.bash("bash \(Self.script)", api: api) }
        #expect(healthy.status == 0, "\(healthy.output)")
        #expect(healthy.output.contains("PASS"))
        #expect(!healthy.output.contains("FAIL"), "\(healthy.output)")

        let rollback = try await offPool { try RunbookEndToEndTests.bash("PQ_BYPASS=1 bash \(Self.script)", api: api) }
        #expect(rollback.status != 0, "rollback mode passed with the bypass off: \(rollback.output)")
        #expect(rollback.output.contains("FAIL"))
    }

    @Test("rollback mode passes against a gateway started with the bypass on")
    func rollbackMode() async throws {
        let pq = try await offPool {
            try PQStack(phase: "log", extraYAML: "admin:\n  loopback_operator: true\npq:\n  bypass: true")
        }
        let result = try await offPool {
            try RunbookEndToEndTests.bash("PQ_BYPASS=1 bash \(Self.script)", api: "http://127.0.0.1:\(pq.port)")
        }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.lowercased().contains("bypass"), "\(result.output)")
    }
}
