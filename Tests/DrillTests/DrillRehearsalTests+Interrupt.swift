import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

extension DrillRehearsalTests {
    /// PIDs of live processes whose command line mentions `text` (the scratch directory).
    static func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    @Test("SIGTERM mid-drill (restore up, gateway probing): the drill stops the scratch gateway and Postgres by PID and exits 130")
    func interrupted() async throws {
        let (server, url, pool) = try await DrillHarness.archivingSource()
        defer { server.stop() }
        defer { pool.close() }
        let (demo, upstreamPort) = try await Self.demoUpstream()
        defer { demo.stop() }
        let config = try DrillHarness.gatewayConfig(upstreamPort: upstreamPort)
        let probe = DrillHarness.temporaryPath("probe.json")
        // Refused (unknown tenant), so the drill keeps probing until we interrupt it.
        try #"{"path":"/graphql","headers":{"X-Tenant":"no-such-tenant"},"body":{"query":"mutation { SafeNoop }"}}"#
            .write(toFile: probe, atomically: true, encoding: .utf8)
        let scratch = DrillHarness.temporaryPath("scratch")
        defer { for path in [config, probe, scratch] { try? FileManager.default.removeItem(atPath: path) } }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = nil
        let drill = try ManagedProcess(
            name: "safemut-drill", executable: try Binaries.path("safemut"),
            arguments: [
                "drill", "rehearse", "--env", "test", "--config", config, "--source-url", url, "--wal-archive", server.archiveDirectory ?? "",
                "--loss-after", "1s", "--probe", probe, "--gateway-timeout", "5m", "--scratch-dir", scratch,
                "--report", scratch + "-report.json",
            ],
            environment: environment)
        defer { drill.stop() }
        // The gateway's config appears once the restore is promoted; then both children run.
        let serving = await eventually {
            FileManager.default.fileExists(atPath: scratch + "/gateway.log") && Self.processes(mentioning: scratch).count >= 2
        }
        #expect(serving, "the drill never reached the gateway step: \(drill.output())")
        drill.send(signal: SIGTERM)
        let status = try await offPool { drill.waitForExit(timeout: 60) }
        #expect(status == 130, "\(drill.output())")
        #expect(Self.processes(mentioning: scratch).isEmpty, "left running: \(Self.processes(mentioning: scratch))")
    }
}
