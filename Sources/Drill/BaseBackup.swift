import Foundation

/// The base backup the drill restores: one taken now with `pg_basebackup -X none` (WAL comes
/// from the archive, as in a real restore), or an existing one, and what it says about itself.
struct BaseBackup: Sendable {
    /// The backup's data directory.
    let path: String
    let label: BackupLabel
    /// Bytes per WAL segment (`pg_controldata`).
    let segmentBytes: UInt64
    /// The segment recovery starts from.
    let start: WALSegment
    /// The segment where the backup becomes consistent (from `backup_manifest`), when known.
    let end: WALSegment?

    /// Takes a fresh plain-format backup of `sourceURL` into `directory` (blocking):
    /// `-X none` (no WAL in the backup: it must come from the archive), `-c fast` (an
    /// immediate checkpoint rather than waiting for the next one).
    static func take(sourceURL: String, into directory: String, pgBin: String, label: String, logDirectory: String) throws(DrillError) -> BaseBackup {
        let result = try ChildProcess.run(
            pgBin + "/pg_basebackup",
            ["-d", sourceURL, "-D", directory, "-X", "none", "-c", "fast", "-l", label, "--no-password"],
            step: "backup", code: .backupMissing, logDirectory: logDirectory, seconds: 6 * 3_600)
        guard result.status == 0 else {
            throw DrillError(
                step: "backup", code: .backupMissing,
                message: "pg_basebackup from the source exited \(result.status) (does the role have REPLICATION and pg_hba.conf a replication line?): \(result.output)")
        }
        return try inspect(directory, pgBin: pgBin, logDirectory: logDirectory)
    }

    /// Reads an existing backup directory (blocking); `backup_missing` when it is absent,
    /// unreadable, has no `backup_label`, or `pg_controldata` cannot read it.
    static func inspect(_ path: String, pgBin: String, logDirectory: String) throws(DrillError) -> BaseBackup {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DrillError(step: "backup", code: .backupMissing, message: "the base backup \(path) does not exist or is not a directory")
        }
        let labelPath = path + "/backup_label"
        guard let labelData = FileManager.default.contents(atPath: labelPath) else {
            throw DrillError(
                step: "backup", code: .backupMissing,
                message: "\(labelPath) is missing or unreadable: not a base backup made by pg_basebackup (plain format)")
        }
        let label = try BackupLabel(text: String(decoding: labelData, as: UTF8.self), path: labelPath)
        let control = try ChildProcess.run(
            pgBin + "/pg_controldata", [path], step: "backup", code: .backupMissing, logDirectory: logDirectory, seconds: 60)
        guard control.status == 0, let segmentBytes = BackupLabel.segmentBytes(controlData: control.output) else {
            throw DrillError(
                step: "backup", code: .backupMissing,
                message: "pg_controldata \(path) gave no \"Bytes per WAL segment\" (exit \(control.status)): \(control.output)")
        }
        guard let start = label.startSegment(segmentBytes: segmentBytes) else {
            throw DrillError(
                step: "backup", code: .backupMissing,
                message: "\(labelPath): start WAL file \(label.startWALFile) is not a segment name for \(segmentBytes)-byte segments")
        }
        let end = FileManager.default.contents(atPath: path + "/backup_manifest")
            .flatMap { BackupLabel.manifestEndLSN(manifest: Array($0), timeline: label.timeline) }
            .flatMap { WALSegment(timeline: label.timeline, lsn: $0, segmentBytes: segmentBytes) }
        return BaseBackup(path: path, label: label, segmentBytes: segmentBytes, start: start, end: end)
    }
}
