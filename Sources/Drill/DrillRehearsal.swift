import Audit
import Foundation
import Logging
import Postgres

/// `safemut drill rehearse`: a real point-in-time restore of the ledger database into a
/// scratch Postgres, a gateway on it, and the measured RPO and RTO (SPEC §11).
///
/// The steps, each recorded in the report: (1) the base backup (taken now with
/// `pg_basebackup -X none`, or the given one); (2) `loss_after` of normal traffic; (3) the
/// simulated loss: the archive is listed and the source's `now()` read (in that order, so a
/// segment archived in between counts as lost: the measurement errs towards a larger RPO);
/// no `pg_switch_wal`, since a real loss does not get one; (4) the snapshot must hold every
/// segment from the backup's start on; (5) archive recovery from the snapshot, promoted at
/// its end; (6) a gateway on the restore and the probe mutation until admitted (RTO); (7) the
/// ledger rows the restore lacks (RPO); (8) `audit verify` on the restore; (9) everything
/// stopped by PID. Never throws: failures are the report's `errors`.
public enum DrillRehearsal {
    public static func run(_ plan: DrillPlan, clock: any DrillClock = SystemDrillClock(), logger: Logger) async -> DrillReport {
        var report = DrillReport(
            environment: plan.environment, startedMicros: clock.nowMicros(), rpoTargetMilliseconds: plan.rpoTargetMilliseconds,
            rtoTargetMilliseconds: plan.rtoTargetMilliseconds, backupPath: plan.backupPath ?? "")
        let resources = DrillResources()
        do {
            try await rehearse(plan, clock: clock, logger: logger, report: &report, resources: resources)
        } catch {
            report.errors.append(error)
            logger.error("drill step failed", metadata: ["drill.step": "\(error.step)", "drill.code": "\(error.code.rawValue)", "error": "\(error.message)"])
        }
        await resources.release(keepScratch: plan.keepScratch, logger: logger)
        report.finishedMicros = clock.nowMicros()
        return report
    }

    private static func rehearse(
        _ plan: DrillPlan, clock: any DrillClock, logger: Logger, report: inout DrillReport, resources: DrillResources
    ) async throws(DrillError) {
        let scratch = try await blocking { () throws(DrillError) in try ScratchDirectory.make(plan.scratchDirectory) }
        resources.scratch = scratch
        logger.info("drill scratch directory", metadata: ["drill.scratch": "\(scratch.path)"])

        // (1) The base backup.
        let backup = try await blocking { () throws(DrillError) -> BaseBackup in
            if let given = plan.backupPath {
                return try BaseBackup.inspect(given, pgBin: plan.pgBin, logDirectory: scratch.path)
            }
            return try BaseBackup.take(
                sourceURL: plan.sourceURL, into: scratch.path + "/backup", pgBin: plan.pgBin,
                label: "safemut drill \(plan.environment)", logDirectory: scratch.path)
        }
        report.backup = DrillReport.Backup(path: backup.path, startWAL: backup.label.startWALFile, label: backup.label.label)
        logger.info("drill base backup", metadata: ["drill.backup": "\(backup.path)", "drill.start_wal": "\(backup.label.startWALFile)"])

        // (2) Traffic goes on until the loss.
        try? await clock.sleep(milliseconds: plan.lossAfterMilliseconds)

        // (3) The loss: what is archived now is all a restore would have.
        let source = try openPool(plan.sourceURL, step: "loss", code: .sourceFailed, logger: logger)
        resources.pools.append(source)
        let lossDrillMicros = clock.nowMicros()
        let listed = try await blocking { () throws(DrillError) in try WALArchiveSnapshot.list(archive: plan.walArchive) }
        let identity: (loss: Int64, user: String, database: String)
        do {
            let row = try await source.query("SELECT now() AS loss, current_user AS who, current_database() AS db").single()
            identity = (try row["loss"].timestampMicros(), try row["who"].string(), try row["db"].string())
        } catch {
            throw DrillError(step: "loss", code: .sourceFailed, message: "reading now() from the source failed: \(error)")
        }
        report.lossMicros = identity.loss
        logger.notice("drill simulated loss", metadata: ["drill.loss_at": "\(identity.loss)", "drill.archived_files": "\(listed.count)"])

        // (4) The snapshot must carry recovery from the backup's start without a gap.
        let coverage = WALCoverage.survey(start: backup.start, end: backup.end, available: listed)
        report.wal = coverage
        if let problem = coverage.problem { throw problem }
        let snapshot = try await blocking { () throws(DrillError) in
            try WALArchiveSnapshot.copy(listed: listed, from: plan.walArchive, into: scratch.path + "/wal", start: backup.start)
        }

        // (5) The restore, promoted when the snapshot's WAL runs out.
        let restore = try await blocking { () throws(DrillError) in
            try ScratchPostgres.start(
                backup: backup, moveBackup: plan.backupPath == nil, walDirectory: snapshot.directory, scratch: scratch.path,
                pgBin: plan.pgBin, port: 5432)
        }
        resources.postgres = restore
        let restoreURL = restore.connectionURL(user: identity.user, database: identity.database)
        try await restore.waitUntilPromoted(connection: restoreURL, seconds: plan.restoreTimeoutSeconds, clock: clock, logger: logger)
        logger.notice("drill restore promoted", metadata: ["drill.elapsed_ms": "\((clock.nowMicros() - lossDrillMicros) / 1_000)"])

        // (6) A gateway on the restore admits a mutation: the RTO. A failure here still
        // leaves the RPO and the audit chain worth measuring, so it is recorded, not thrown.
        do {
            let port = try LoopbackPort.free()
            let gateway = try await blocking { () throws(DrillError) in
                try ScratchGateway.start(
                    binary: plan.gatewayBinary, config: plan.configPath, databaseURL: restoreURL, scratch: scratch.path, port: port)
            }
            resources.gateway = gateway
            var status: Int?
            defer { report.probe.status = status }
            let admitted = try await gateway.admit(plan.probe, seconds: plan.gatewayTimeoutSeconds, clock: clock, lastStatus: &status)
            report.probe.atMicros = admitted
            report.rtoMilliseconds = (admitted - lossDrillMicros) / 1_000
            logger.notice("drill probe admitted", metadata: ["drill.rto_ms": "\(report.rtoMilliseconds ?? 0)"])
        } catch {
            report.errors.append(error)
        }

        // (7) The ledger rows the restore lacks: the RPO.
        let restored = try openPool(restoreURL, step: "rows", code: .restoreQueryFailed, logger: logger)
        resources.pools.append(restored)
        let point = try await LedgerComparison.measure(source: source, restore: restored, lossMicros: identity.loss, rows: &report.rows)
        report.rpoMilliseconds = point.milliseconds
        report.rpoMeasured = true

        // (8) The audit chain as restored.
        do {
            switch try await AuditLog(pool: restored).verify() {
            case .intact(let length, let head):
                report.audit = DrillReport.AuditResult(intact: true, length: length, headHex: AuditHex.encode(head))
            case .broken(let fault):
                report.audit = DrillReport.AuditResult(intact: false, length: max(0, fault.seq - 1), headHex: nil)
                report.errors.append(DrillError(step: "audit", code: .auditBroken, message: "audit verify on the restore: first bad row \(fault)"))
            }
        } catch {
            throw DrillError(step: "audit", code: .restoreQueryFailed, message: "audit verify on the restore failed: \(error)")
        }
    }

    private static func openPool(_ url: String, step: String, code: DrillError.Code, logger: Logger) throws(DrillError) -> PostgresPool {
        do {
            return PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 2, acquireTimeout: .seconds(15)), logger: logger)
        } catch {
            throw DrillError(step: step, code: code, message: "bad database URL: \(error.message)")
        }
    }

    /// `body` on a thread of its own (file copies, child processes), its typed error kept.
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(DrillError) -> T) async throws(DrillError) -> T {
        do {
            return try await offPool { try body() }
        } catch let error as DrillError {
            throw error
        } catch {
            throw DrillError(step: "drill", code: .restoreFailed, message: "\(error)")
        }
    }
}

extension DrillRehearsal {
    /// Stops, by PID, every process a drill in this process started and has not stopped yet
    /// (the scratch gateway, the scratch Postgres, a running pg_basebackup): for a CLI that
    /// is interrupted mid-drill. The scratch directory is left for inspection.
    public static func stopChildren() {
        ChildProcess.stopAllRunning()
    }
}
