import Foundation
import Testing
import TestSupport

/// The README's demo, end to end: `bash scripts/demo.sh --walkthrough` starts Postgres,
/// Redis, intelgraph-demo and safemut from the built binaries and runs
/// scripts/walkthrough.sh — a query passes, an undeclared mutation is refused, a cheap
/// mutation is debited, bulkDeleteEntities is approved by two people and passes once,
/// a burst meets 429, a tenant meets 402, an override raises its limit — then
/// `safemut audit verify`. `--cutover` does the canary cutover's walkthrough instead.
@Suite("README walkthrough")
struct WalkthroughTests {
    /// `bash scripts/demo.sh MODE` on free ports with the built binaries: its exit status and output.
    static func demo(_ mode: String) async throws -> (Int32, String) {
        try await offPool { () throws -> (Int32, String) in
            let binary = try Binaries.path("safemut")
            var env = ProcessInfo.processInfo.environment
            env["BIN"] = (binary as NSString).deletingLastPathComponent
            for key in ["SAFEMUT_PORT", "UPSTREAM_PORT", "CANARY_PORT"] { env[key] = String(Ports.free()) }
            for key in ["DATABASE_URL", "REDIS_URL", "PQ_PHASE", "PQ_BYPASS", "CANARY_ENABLE", "CANARY_UPSTREAM_URL"] { env[key] = nil }
            // Bounded, generously: a walkthrough that hangs fails instead of stalling the run.
            let outcome = try DataCommand.run(
                "/bin/bash", ["scripts/demo.sh", mode], environment: env, directory: Binaries.repositoryRoot, timeout: 1_200)
            return (outcome.status, outcome.output)
        }
    }

    @Test("scripts/demo.sh --walkthrough passes every step")
    func walkthrough() async throws {
        let output = try await Self.demo("--walkthrough")
        #expect(output.0 == 0, "\(output.1)")
        #expect(output.1.contains("walkthrough complete"), "\(output.1)")
        #expect(output.1.contains("audit log intact"), "\(output.1)")
    }

    @Test("scripts/demo.sh --cutover: started at 5 %, the broken canary is rolled back by the judge, the audit log stays intact")
    func cutover() async throws {
        let output = try await Self.demo("--cutover")
        #expect(output.0 == 0, "\(output.1)")
        #expect(output.1.contains("cutover walkthrough complete"), "\(output.1)")
        #expect(output.1.contains("auto-rollback: error_ratio fail"), "\(output.1)")
        #expect(output.1.contains("audit log intact"), "\(output.1)")
    }

    @Test("scripts/demo.sh --downshift: each tier serves and refuses the demo's sample operations as the table says; P0 synthetic green; audit intact")
    func downshift() async throws {
        let output = try await Self.demo("--downshift")
        #expect(output.0 == 0, "\(output.1)")
        #expect(output.1.contains("downshift walkthrough complete"), "\(output.1)")
        // Tier 1 refuses the batch import, tier 6 the P1 read; health is served at 6.
        let tierOne = output.1.components(separatedBy: "== tier 1 observe").last?.components(separatedBy: "== tier 2").first ?? ""
        #expect(tierOne.contains("bulk import (batch, P3)") && tierOne.contains("503 DOWNSHIFTED tag_batch"), "\(tierOne)")
        let tierSix = output.1.components(separatedBy: "== tier 6 emergency").last?.components(separatedBy: "== back to normal").first ?? ""
        #expect(tierSix.contains("503 DOWNSHIFTED priority"), "\(tierSix)")
        #expect(tierSix.contains(#"priority="P0""#) && tierSix.contains("} 1"), "P0 synthetic at tier 6: \(tierSix)")
        #expect(output.1.contains("audit log intact"), "\(output.1)")
    }
}
