import ArgumentParser
import Config
import Drill
import Foundation
import Logging
import Sockets

/// `safemut drill`: disaster-recovery rehearsals (SPEC §11).
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill", abstract: "Disaster-recovery drills.", subcommands: [DrillRehearseCommand.self])
}

/// `safemut drill rehearse`: a real point-in-time restore of the ledger database (base backup
/// plus archived WAL) into a scratch Postgres, a gateway on it admitting one mutation, the
/// measured RPO and RTO, `audit verify` on the restore, and a `safemut.drill/v1` JSON report
/// (the input of gate G7). docs/drill.md describes every step and what production needs.
///
/// Exit codes: 0 both targets met; 1 a target missed or the restored audit chain broken; 2 a
/// step could not run (backup missing, WAL gap, restore or gateway failed) or bad arguments.
/// The report is written in every case but bad arguments.
struct DrillRehearseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse", abstract: "Restore the ledger into a scratch Postgres, serve on it, measure RPO and RTO.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "The environment's name, recorded in the report.")
    var env: String

    @Option(name: .customLong("rpo-target"), help: "The RPO target (30s, 5m, 1h).")
    var rpoTarget: String = "5m"

    @Option(name: .customLong("rto-target"), help: "The RTO target (30s, 5m, 1h).")
    var rtoTarget: String = "60m"

    @Option(name: .customLong("source-url"), help: "The ledger database (default: the config's database.url / DATABASE_URL).")
    var sourceURL: String?

    @Option(name: .customLong("wal-archive"), help: "The directory the source's archive_command copies WAL into.")
    var walArchive: String

    @Option(help: "An existing base backup (pg_basebackup -X none, plain format); default: take one now.")
    var backup: String?

    @Option(name: .customLong("scratch-dir"), help: "Where to restore (absent or empty; default: a new temporary directory).")
    var scratchDir: String?

    @Flag(help: "Keep the scratch directory (restored cluster, logs) afterwards.")
    var keep = false

    @Option(name: .customLong("pg-bin"), help: "Postgres binaries of the source's major version (default: $PG_BIN or /usr/lib/postgresql/15/bin).")
    var pgBin: String?

    @Option(name: .customLong("loss-after"), help: "How long after the backup the simulated loss happens (traffic keeps running).")
    var lossAfter: String = "30s"

    @Option(help: #"The mutation the restored gateway must admit: JSON {"path":"/graphql","headers":{…},"body":{…}}."#)
    var probe: String

    @Option(name: .customLong("gateway-binary"), help: "The safemut executable to serve on the restore (default: this one).")
    var gatewayBinary: String?

    @Option(name: .customLong("restore-timeout"), help: "How long recovery may take until promotion.")
    var restoreTimeout: String = "60m"

    @Option(name: .customLong("gateway-timeout"), help: "How long the restored gateway may take to admit the probe.")
    var gatewayTimeout: String = "2m"

    @Option(help: "Where to write the JSON report.")
    var report: String = "drill-report.json"

    func run() async throws {
        let plan = resolvePlan()
        let logger = Logger(label: "safemut.drill")
        Self.stopChildrenOnInterrupt()
        let result = await DrillRehearsal.run(plan, logger: logger)
        let text = result.json.serialized + "\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: report))
        } catch {
            Self.fail("cannot write the report \(report): \(error.localizedDescription)", code: 2)
        }
        for error in result.errors {
            FileHandle.standardError.write(Data("safemut drill rehearse: \(error)\n".utf8))
        }
        let rto = result.rtoMilliseconds.map { "\($0) ms" } ?? "none (no mutation admitted)"
        print("drill \(result.ok ? "OK" : "FAILED"): rpo \(result.rpoMilliseconds) ms (target \(result.rpoTargetMilliseconds) ms, "
            + "\(result.rpoMet ? "met" : "missed")), rto \(rto) (target \(result.rtoTargetMilliseconds) ms, \(result.rtoMet ? "met" : "missed")); "
            + "report \(report)")
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    /// The flags and the configuration as one plan; exits 2 naming what is wrong.
    private func resolvePlan() -> DrillPlan {
        let environment = ProcessInfo.processInfo.environment
        guard let configPath = options.resolvedPath else {
            Self.fail("--config is required: the scratch gateway serves with it (its listen address is replaced)", code: 2)
        }
        let config = options.load("drill rehearse")
        config.bootstrapStandardErrorLogging()
        guard let source = sourceURL ?? config.database.url else {
            Self.fail("no source database: pass --source-url or set database.url / DATABASE_URL", code: 2)
        }
        let probeRequest: ProbeRequest
        let rpo, rto, loss, restore, gateway: Int64
        do {
            guard let bytes = FileManager.default.contents(atPath: probe) else {
                Self.fail("--probe \(probe): no such file or unreadable", code: 2)
            }
            probeRequest = try ProbeRequest(json: Array(bytes), source: probe)
            rpo = try DrillDuration.milliseconds(parsing: rpoTarget, flag: "--rpo-target")
            rto = try DrillDuration.milliseconds(parsing: rtoTarget, flag: "--rto-target")
            loss = try DrillDuration.milliseconds(parsing: lossAfter, flag: "--loss-after")
            restore = try DrillDuration.milliseconds(parsing: restoreTimeout, flag: "--restore-timeout")
            gateway = try DrillDuration.milliseconds(parsing: gatewayTimeout, flag: "--gateway-timeout")
        } catch {
            Self.fail(error.message, code: 2)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: walArchive, isDirectory: &isDirectory), isDirectory.boolValue else {
            Self.fail("--wal-archive \(walArchive): not a directory", code: 2)
        }
        return DrillPlan(
            environment: env, rpoTargetMilliseconds: rpo, rtoTargetMilliseconds: rto, sourceURL: source, configPath: configPath,
            walArchive: walArchive, backupPath: backup, scratchDirectory: scratchDir, keepScratch: keep,
            pgBin: pgBin ?? environment["PG_BIN"] ?? "/usr/lib/postgresql/15/bin", lossAfterMilliseconds: loss, probe: probeRequest,
            // /proc/self/exe: the running binary itself, wherever it was started from.
            gatewayBinary: gatewayBinary ?? "/proc/self/exe",
            restoreTimeoutSeconds: max(1, restore / 1_000), gatewayTimeoutSeconds: max(1, gateway / 1_000))
    }

    /// SIGINT or SIGTERM mid-drill: stop the scratch gateway and Postgres by PID (they would
    /// outlive us otherwise), then exit 130. The waiter lives on a thread of its own, forever.
    private static func stopChildrenOnInterrupt() {
        let thread = Thread {
            let waiter = SignalWaiter(signals: [SIGINT, SIGTERM])
            let signo = waiter.next()
            FileHandle.standardError.write(Data("safemut drill rehearse: signal \(signo): stopping the scratch gateway and Postgres\n".utf8))
            DrillRehearsal.stopChildren()
            Foundation.exit(130)
        }
        thread.name = "safemut-drill-signals"
        thread.start()
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut drill rehearse: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
