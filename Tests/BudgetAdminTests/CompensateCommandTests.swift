import Foundation
import Kit
import Testing
import TestSupport

/// The `safemut compensate` executable, end to end: Postgres from the harness, the real demo.
@Suite("safemut compensate (the CLI)")
struct CompensateCommandTests {
    /// Runs `safemut compensate ARGS` with the database and upstream in the environment
    /// (no config file: a fresh working directory); returns exit status and output.
    static func compensate(_ arguments: [String], database: String, upstreamPort: Int) async throws -> (Int32, String) {
        let directory = NSTemporaryDirectory() + "safemut-compensate-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database
        environment["UPSTREAM_URL"] = "http://127.0.0.1:\(upstreamPort)"
        environment["USER"] = "oncall"
        let process = try ManagedProcess(
            name: "safemut-compensate", executable: try Binaries.path("safemut"), arguments: ["compensate"] + arguments,
            environment: environment, currentDirectory: directory)
        let status = try await offPool { process.waitForExit(timeout: 120) }
        return (status ?? -1, process.output())
    }

    @Test("--dry-run prints each compensation and exits 1 when one would be refused; --approve-destructive replays; a re-run has nothing left")
    func endToEnd() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let demo = try DemoUpstream()
        defer { demo.stop() }
        let created = try await demo.createEntity("rollback-test", tenant: "demo")
        let row = try await h.logCompensation(created.compensation, tenant: "demo", operation: "CreateEntity", ageSeconds: 1)

        let (dryStatus, dry) = try await Self.compensate(["--last", "50", "--dry-run"], database: h.databaseURL, upstreamPort: demo.port)
        #expect(dryStatus == 1, "\(dry)")
        #expect(dry.contains(row))
        #expect(dry.contains("deleteEntity [destructive: deleteEntity has risk tag destructive]") || dry.contains("deleteEntity [destructive: deleteEntity deletes data]"), "\(dry)")
        #expect(dry.contains("dry run: 1 pending read; 1 refused"), "\(dry)")
        #expect(try await demo.exists(created.id, tenant: "demo"))

        let (status, output) = try await Self.compensate(
            ["--last", "50", "--approve-destructive", "--reason", "rollback-compensation", "--tenant", "demo"],
            database: h.databaseURL, upstreamPort: demo.port)
        #expect(status == 0, "\(output)")
        #expect(output.contains("→ replayed (200)"), "\(output)")
        #expect(try await !demo.exists(created.id, tenant: "demo"))
        #expect(try await h.compensationStatus(row).status == "replayed")
        let audit = try await h.audit("compensation.replay")
        #expect(audit.first?.actor == "cli:oncall")
        #expect(audit.first?.reason == "rollback-compensation")

        let (againStatus, again) = try await Self.compensate(["--last", "50"], database: h.databaseURL, upstreamPort: demo.port)
        #expect(againStatus == 0)
        #expect(again.contains("0 pending read"), "\(again)")
    }

    @Test("--last 0 is refused as a usage error, naming the flag")
    func badLast() async throws {
        let (status, output) = try await Self.compensate(["--last", "0"], database: "postgresql://127.0.0.1:1/none", upstreamPort: 1)
        #expect(status != 0)
        #expect(output.contains("--last"))
    }

    @Test("no database.url is a configuration error (exit 2); an unreachable upstream exits 3 with the rows still pending")
    func configurationAndUpstream() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let row = try await h.logCompensation(
            .object([JSONMember("operation", .string("mutation Compensate { SafeNoop }"))]), tenant: "demo", operation: "A", ageSeconds: 1)
        let (unreachable, output) = try await Self.compensate(["--last", "5"], database: h.databaseURL, upstreamPort: Ports.free())
        #expect(unreachable == 3, "\(output)")
        #expect(output.contains("not sent"))
        #expect(try await h.compensationStatus(row).status == "pending")
    }
}
