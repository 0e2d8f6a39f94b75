import Kit

/// The drill's result, written as `safemut.drill/v1` JSON: the input of gate G7, which reads
/// `ok`, `rpo_ms`, `rto_ms`, `finished_at` and `errors` (keep those names).
///
/// Times are microseconds since the epoch here and RFC 3339 in the JSON; durations are whole
/// milliseconds; no floating point anywhere.
public struct DrillReport: Sendable, Equatable {
    public struct Backup: Sendable, Equatable {
        public var path: String
        public var startWAL: String?
        public var label: String?
    }

    public struct Rows: Sendable, Equatable {
        /// Source ledger rows created at or before the loss.
        public var beforeLoss: Int64 = 0
        /// Of those, how many the restore holds.
        public var restored: Int64 = 0
        /// Rows created at or before the loss that the restore lacks.
        public var lost: Int64 = 0
        public var oldestLostMicros: Int64?
    }

    public struct AuditResult: Sendable, Equatable {
        public var intact: Bool
        public var length: Int64
        public var headHex: String?
    }

    public struct Probe: Sendable, Equatable {
        /// The status of the last probe answer (200 once admitted); nil when none came.
        public var status: Int?
        /// When the probe was first admitted (drill clock); nil when it never was.
        public var atMicros: Int64?
    }

    public var environment: String
    public var startedMicros: Int64
    public var finishedMicros: Int64 = 0
    /// The loss instant as the source database saw it (`now()`); compared with `created_at`.
    public var lossMicros: Int64?
    public var rpoMilliseconds: Int64 = 0
    /// Whether the ledger rows were compared (the RPO is only a measurement once they were).
    public var rpoMeasured = false
    public var rtoMilliseconds: Int64?
    public var rpoTargetMilliseconds: Int64
    public var rtoTargetMilliseconds: Int64
    public var backup: Backup
    public var wal: WALCoverage?
    public var rows = Rows()
    public var audit: AuditResult?
    public var probe = Probe()
    public var errors: [DrillError] = []

    public init(environment: String, startedMicros: Int64, rpoTargetMilliseconds: Int64, rtoTargetMilliseconds: Int64, backupPath: String) {
        self.environment = environment
        self.startedMicros = startedMicros
        self.rpoTargetMilliseconds = rpoTargetMilliseconds
        self.rtoTargetMilliseconds = rtoTargetMilliseconds
        self.backup = Backup(path: backupPath)
    }

    /// RPO within target; false when the drill did not get as far as measuring it.
    public var rpoMet: Bool { rpoMeasured && rpoMilliseconds <= rpoTargetMilliseconds }
    /// RTO within target; false when no mutation was admitted on the restore.
    public var rtoMet: Bool { rtoMilliseconds.map { $0 <= rtoTargetMilliseconds } ?? false }
    /// Both targets met and no step failed.
    public var ok: Bool { errors.isEmpty && rpoMet && rtoMet }

    /// The process exit code: 0 ok; 1 a target missed or the restored audit chain broken (the
    /// drill ran, the result is bad); 2 the drill could not run a step (backup, WAL, restore,
    /// gateway, a database read).
    public var exitCode: Int32 {
        if errors.contains(where: { $0.code != .auditBroken }) { return 2 }
        return ok ? 0 : 1
    }

    /// The report document.
    public var json: JSONValue {
        func time(_ micros: Int64?) -> JSONValue {
            micros.map { .string(RFC3339.format(micros: $0)) } ?? .null
        }
        func int(_ value: Int64?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            JSONMember("kind", .string("safemut.drill/v1")),
            JSONMember("env", .string(environment)),
            JSONMember("ok", .bool(ok)),
            JSONMember("started_at", time(startedMicros)),
            JSONMember("finished_at", time(finishedMicros)),
            JSONMember("loss_at", time(lossMicros)),
            JSONMember("rpo_ms", int(rpoMilliseconds)),
            JSONMember("rto_ms", int(rtoMilliseconds)),
            JSONMember("rpo_target_ms", int(rpoTargetMilliseconds)),
            JSONMember("rto_target_ms", int(rtoTargetMilliseconds)),
            JSONMember("rpo_met", .bool(rpoMet)),
            JSONMember("rto_met", .bool(rtoMet)),
            JSONMember("backup", .object([
                JSONMember("path", .string(backup.path)),
                JSONMember("start_wal", text(backup.startWAL)),
                JSONMember("label", text(backup.label)),
            ])),
            JSONMember("wal", .object([
                JSONMember("first", text(wal?.first.fileName)),
                JSONMember("last", text(wal?.last?.fileName)),
                JSONMember("segments", int(Int64(wal?.segments ?? 0))),
                JSONMember("missing", .array((wal?.missing ?? []).map(JSONValue.string))),
            ])),
            JSONMember("rows", .object([
                JSONMember("before_loss", int(rows.beforeLoss)),
                JSONMember("restored", int(rows.restored)),
                JSONMember("lost", int(rows.lost)),
                JSONMember("oldest_lost_at", time(rows.oldestLostMicros)),
            ])),
            JSONMember("audit", .object([
                JSONMember("intact", .bool(audit?.intact ?? false)),
                JSONMember("length", int(audit?.length ?? 0)),
                JSONMember("head", text(audit?.headHex)),
            ])),
            JSONMember("probe", .object([
                JSONMember("status", int(probe.status.map(Int64.init))),
                JSONMember("at", time(probe.atMicros)),
            ])),
            JSONMember("errors", .array(errors.map { error in
                .object([
                    JSONMember("step", .string(error.step)),
                    JSONMember("code", .string(error.code.rawValue)),
                    JSONMember("message", .string(error.message)),
                ])
            })),
        ])
    }
}
