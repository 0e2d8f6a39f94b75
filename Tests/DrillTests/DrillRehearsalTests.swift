import Drill
import Foundation
import Kit
import Postgres
import Testing
import TestSupport

/// The whole drill against real processes: an archiving Postgres under ledger writes, a real
/// point-in-time restore, `safemut serve` on it behind intelgraph-demo, and the report.
@Suite("The DR drill against a real archiving Postgres", .serialized)
struct DrillRehearsalTests {
    /// Runs the built `safemut` with `arguments` (blocking, off the pool); exit status and output.
    static func safemut(_ arguments: [String]) async throws -> DataCommand.Outcome {
        var environment = ProcessInfo.processInfo.environment
        for key in ["UPSTREAM_URL", "DATABASE_URL", "REDIS_URL", "PQ_PHASE"] { environment[key] = nil }
        let binary = try Binaries.path("safemut")
        let env = environment
        return try await offPool { try DataCommand.run(binary, arguments, environment: env, timeout: 600) }
    }

    static func readReport(_ path: String) throws -> JSONValue {
        let data = try #require(FileManager.default.contents(atPath: path), "no report at \(path)")
        return try JSONValue.parse(Array(data))
    }

    @Test("safemut drill rehearse: a fresh base backup, the loss under load, the restore promoted, a gateway on it admits a mutation; RPO and RTO measured, the restore has the rows, the audit chain intact")
    func rehearsesUnderLoad() async throws {
        let (server, url, pool) = try await DrillHarness.archivingSource()
        defer { server.stop() }
        let upstreamPort = Ports.free()
        let demo = try ManagedProcess(
            name: "intelgraph-demo", executable: try Binaries.path("intelgraph-demo"), arguments: ["--listen", "127.0.0.1:\(upstreamPort)"])
        defer { demo.stop() }
        try await offPool { try Ports.waitUntilListening(upstreamPort, process: demo) }
        let config = try DrillHarness.gatewayConfig(upstreamPort: upstreamPort)
        let probe = try DrillHarness.probeFile()
        let reportPath = DrillHarness.temporaryPath("report.json")
        defer { for file in [config, probe, reportPath] { try? FileManager.default.removeItem(atPath: file) } }

        let load = LedgerLoad(pool: pool)
        let outcome = try await Self.safemut([
            "drill", "rehearse", "--env", "test", "--config", config, "--source-url", url,
            "--wal-archive", server.archiveDirectory ?? "", "--loss-after", "3s", "--probe", probe,
            "--rpo-target", "5m", "--rto-target", "60m", "--report", reportPath,
        ])
        await load.stop()
        defer { pool.close() }
        #expect(load.errors.isEmpty, "\(load.errors.prefix(3))")

        #expect(outcome.status == 0, "\(outcome.output)")
        let report = try Self.readReport(reportPath)
        #expect(report["kind"]?.stringValue == "safemut.drill/v1")
        #expect(report["ok"] == .bool(true), "\(report.serialized)")
        #expect(report["errors"]?.arrayValue?.isEmpty == true, "\(report.serialized)")
        let rpo = try #require(report["rpo_ms"]?.int64Value)
        let rto = try #require(report["rto_ms"]?.int64Value, "\(report.serialized)")
        // archive_timeout is 1 s: at most a couple of seconds of writes can be unarchived.
        #expect(rpo >= 0 && rpo < 10_000, "rpo \(rpo) ms")
        #expect(rto > 0 && rto < 120_000, "rto \(rto) ms")
        let rows = try #require(report["rows"])
        let beforeLoss = try #require(rows["before_loss"]?.int64Value)
        let restored = try #require(rows["restored"]?.int64Value)
        let lost = try #require(rows["lost"]?.int64Value)
        // Three seconds of writes at one per 20 ms, then the loss: well over 50 rows.
        #expect(beforeLoss > 50, "\(rows.serialized)")
        #expect(restored > 0 && restored <= beforeLoss)
        #expect(restored + lost == beforeLoss, "every row before the loss is either restored or counted lost: \(rows.serialized)")
        #expect((lost == 0) == (rpo == 0))
        #expect(report["audit"]?["intact"] == .bool(true))
        #expect(report["audit"]?["length"]?.int64Value == 3, "the three audit rows written before the backup")
        #expect(report["probe"]?["status"]?.int64Value == 200)
        #expect(report["wal"]?["missing"]?.arrayValue?.isEmpty == true)
        #expect((report["wal"]?["segments"]?.int64Value ?? 0) >= 1)
        #expect(report["backup"]?["start_wal"]?.stringValue?.utf8.count == 24)
        #expect(report["loss_at"]?.stringValue.flatMap(RFC3339.parse) != nil)
        #expect(report["finished_at"]?.stringValue.flatMap(RFC3339.parse) != nil)
    }

    @Test("a WAL gap: a segment deleted from the archive after the backup, before the loss, is wal_gap naming it; exit code 2")
    func walGap() async throws {
        let (server, url, pool) = try await DrillHarness.archivingSource()
        defer { server.stop() }
        defer { pool.close() }
        let backup = DrillHarness.temporaryPath("backup")
        defer { try? FileManager.default.removeItem(atPath: backup) }
        try await offPool {
            try DataCommand.check(server.binDirectory + "/pg_basebackup", ["-d", url, "-D", backup, "-X", "none", "-c", "fast"], timeout: 120)
        }
        let label = try String(contentsOfFile: backup + "/backup_label", encoding: .utf8)
        let start = try #require(try BackupLabel(text: label, path: backup).startSegment(segmentBytes: 1 << 20))
        // Three more segments after the backup's, each archived (the test switches WAL; the drill never does).
        for n in 1...3 {
            _ = try await pool.query("INSERT INTO budget_ledger (tenant_id, estimated_usd, correlation_id) VALUES ('demo', 0.01, $1)", [.text("gap-\(n)")])
            _ = try await pool.query("SELECT pg_switch_wal()")
        }
        let victim = start.next.fileName
        let newest = WALSegment(timeline: start.timeline, number: start.number + 3, segmentBytes: 1 << 20).fileName
        let archived = await eventually { ((try? DrillHarness.archivedSegments(server)) ?? []).contains(newest) }
        #expect(archived, "the archive never reached \(newest)")
        try FileManager.default.removeItem(atPath: (server.archiveDirectory ?? "") + "/" + victim)

        let plan = DrillPlan(
            environment: "test", rpoTargetMilliseconds: 300_000, rtoTargetMilliseconds: 3_600_000, sourceURL: url, configPath: "/unused",
            walArchive: server.archiveDirectory ?? "", backupPath: backup, scratchDirectory: nil, keepScratch: false, pgBin: server.binDirectory,
            lossAfterMilliseconds: 0, probe: try DrillHarness.probe, gatewayBinary: try Binaries.path("safemut"))
        let report = await DrillRehearsal.run(plan, logger: DrillHarness.quiet)
        #expect(report.errors.map(\.code) == [.walGap], "\(report.errors)")
        #expect(report.errors.first?.message.contains(victim) == true, "\(report.errors)")
        #expect(report.wal?.missing == [victim])
        #expect(report.exitCode == 2)
        #expect(!report.ok)
        #expect(report.rtoMilliseconds == nil, "nothing was restored, so nothing was admitted")
        #expect(report.json["errors"]?.arrayValue?.first?["code"]?.stringValue == "wal_gap")
    }

    @Test("a missing base backup (--backup /nonexistent) is backup_missing, at the drill clock's times; exit code 2")
    func backupMissing() async throws {
        let archive = DrillHarness.temporaryPath("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: archive) }
        // 2026-11-01T00:00:00Z: the report's times come from the injected clock.
        let clock = ManualDrillClock(micros: 1_793_491_200_000_000)
        let plan = DrillPlan(
            environment: "test", rpoTargetMilliseconds: 300_000, rtoTargetMilliseconds: 3_600_000,
            sourceURL: "postgres://postgres@127.0.0.1:1/never-contacted", configPath: "/unused", walArchive: archive,
            backupPath: "/nonexistent", scratchDirectory: nil, keepScratch: false, pgBin: "/usr/lib/postgresql/15/bin",
            lossAfterMilliseconds: 30_000, probe: try DrillHarness.probe, gatewayBinary: "/bin/false")
        let report = await DrillRehearsal.run(plan, clock: clock, logger: DrillHarness.quiet)
        #expect(report.errors.map(\.code) == [.backupMissing])
        #expect(report.errors.first?.message.contains("/nonexistent") == true)
        #expect(report.exitCode == 2)
        #expect(report.json["started_at"]?.stringValue == "2026-11-01T00:00:00.000000Z")
        #expect(report.json["finished_at"]?.stringValue == "2026-11-01T00:00:00.000000Z", "no loss wait after a failed backup step")
        #expect(report.json["loss_at"] == .null)
        #expect(report.json["ok"] == .bool(false))
    }

    @Test("the command: --backup /nonexistent exits 2 and still writes the report naming backup_missing")
    func commandBackupMissing() async throws {
        let archive = DrillHarness.temporaryPath("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        let config = try DrillHarness.gatewayConfig(upstreamPort: 9)
        let probe = try DrillHarness.probeFile()
        let reportPath = DrillHarness.temporaryPath("report.json")
        defer { for path in [archive, config, probe, reportPath] { try? FileManager.default.removeItem(atPath: path) } }
        let outcome = try await Self.safemut([
            "drill", "rehearse", "--env", "test", "--config", config, "--source-url", "postgres://postgres@127.0.0.1:1/x",
            "--wal-archive", archive, "--backup", "/nonexistent", "--probe", probe, "--report", reportPath,
        ])
        #expect(outcome.status == 2, "\(outcome.output)")
        #expect(outcome.output.contains("backup_missing"))
        let report = try Self.readReport(reportPath)
        #expect(report["errors"]?.arrayValue?.first?["code"]?.stringValue == "backup_missing")
        #expect(report["ok"] == .bool(false))
    }

    @Test("the command: a bad --rto-target exits 2 naming the flag, before anything runs")
    func commandBadTarget() async throws {
        let archive = DrillHarness.temporaryPath("archive")
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        let config = try DrillHarness.gatewayConfig(upstreamPort: 9)
        let probe = try DrillHarness.probeFile()
        defer { for path in [archive, config, probe] { try? FileManager.default.removeItem(atPath: path) } }
        let outcome = try await Self.safemut([
            "drill", "rehearse", "--env", "test", "--config", config, "--source-url", "postgres://postgres@127.0.0.1:1/x",
            "--wal-archive", archive, "--probe", probe, "--rto-target", "soon",
        ])
        #expect(outcome.status == 2)
        #expect(outcome.output.contains("--rto-target"), "\(outcome.output)")
    }

    /// Polls `condition` every 100 ms for up to 30 s.
    func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<300 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await condition()
    }
}
