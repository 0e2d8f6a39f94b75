/// A drill step that could not be carried out, with the report's code for it.
///
/// The codes are the report's vocabulary (`errors[].code`), which gate G7 and operators read;
/// `step` names where the drill was (`backup`, `wal`, `restore`, `gateway`, `rows`, `audit`).
public struct DrillError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The base backup is absent, unreadable or has no `backup_label`, or taking one failed.
        case backupMissing = "backup_missing"
        /// The archive snapshot lacks a segment between the backup's start and the newest one.
        case walGap = "wal_gap"
        /// The archive snapshot holds no segment the backup can use.
        case walMissing = "wal_missing"
        /// The scratch Postgres did not start, recover or promote.
        case restoreFailed = "restore_failed"
        /// The scratch gateway did not start or never admitted the probe mutation.
        case gatewayFailed = "gateway_failed"
        /// `audit verify` on the restore found the chain broken.
        case auditBroken = "audit_broken"
        /// The source database could not be read (the loss instant, the ledger rows).
        case sourceFailed = "source_failed"
        /// Reading the restored ledger or audit log failed.
        case restoreQueryFailed = "restore_query_failed"
        /// A flag or input file is wrong.
        case badArgument = "bad_argument"
    }

    public var step: String
    public var code: Code
    public var message: String

    public init(step: String, code: Code, message: String) {
        self.step = step
        self.code = code
        self.message = message
    }

    public var description: String { "\(step): \(code.rawValue): \(message)" }
}
