/// When a canary tenant may be escalated (SPEC §4, the rollout guide): after `cleanDays`
/// consecutive clean UTC days its limits go from $25/$750 to these.
public struct CanaryRule: Sendable, Equatable {
    /// `canary.clean_days` (env `CANARY_CLEAN_DAYS`).
    public var cleanDays: Int
    /// The daily limit after escalation, micro-dollars ($50).
    public var escalatedDailyMicros: Int64
    /// The monthly limit after escalation, micro-dollars ($1,500).
    public var escalatedMonthlyMicros: Int64

    public init(cleanDays: Int = 7, escalatedDailyMicros: Int64 = 50_000_000, escalatedMonthlyMicros: Int64 = 1_500_000_000) {
        self.cleanDays = cleanDays
        self.escalatedDailyMicros = escalatedDailyMicros
        self.escalatedMonthlyMicros = escalatedMonthlyMicros
    }
}
