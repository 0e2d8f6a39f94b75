/// The recovery point objective as measured: which ledger rows written before the loss the
/// restore lacks, and how much time of writes that is. Pure: the caller fetches the rows.
///
/// RPO = loss time − `created_at` of the oldest row written before the loss that the restore
/// lacks (the span of lost writes), 0 when the restore lacks none. SPEC §11 words it as "the
/// age of the newest row the restore lacks"; the span is the figure that bounds how much an
/// operator must replay, and it never understates: every row after that oldest one is at risk.
public struct RecoveryPoint: Sendable, Equatable {
    /// One ledger row of the source: its key and `created_at` in microseconds since the epoch.
    public struct Row: Sendable, Hashable {
        public var key: String
        public var createdAtMicros: Int64

        public init(key: String, createdAtMicros: Int64) {
            self.key = key
            self.createdAtMicros = createdAtMicros
        }
    }

    /// Rows the restore lacks (written at or before the loss).
    public var lost: Int
    /// The oldest lost row's `created_at`; nil when nothing is lost.
    public var oldestLostMicros: Int64?
    /// The RPO in milliseconds (rounded up: a lost row 0.2 ms before the loss is 1 ms lost).
    public var milliseconds: Int64

    /// Compares `source` rows (any window ending at the loss) with the keys the restore holds;
    /// rows created after `lossMicros` are ignored (they were written after the loss).
    public static func measure(lossMicros: Int64, source: [Row], restoredKeys: Set<String>) -> RecoveryPoint {
        var lost = 0
        var oldest: Int64?
        for row in source where row.createdAtMicros <= lossMicros && !restoredKeys.contains(row.key) {
            lost += 1
            oldest = min(oldest ?? row.createdAtMicros, row.createdAtMicros)
        }
        guard let oldest else { return RecoveryPoint(lost: 0, oldestLostMicros: nil, milliseconds: 0) }
        let micros = lossMicros - oldest
        return RecoveryPoint(lost: lost, oldestLostMicros: oldest, milliseconds: (micros + 999) / 1_000)
    }
}
