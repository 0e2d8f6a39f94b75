/// The canary escalation rule (SPEC §4), in one place.
///
/// A tenant is escalated when all of these hold, checked in one transaction that locks its
/// `tenant_budget` row:
/// 1. it is a canary (`tenant_budget.canary`);
/// 2. its limits are exactly the seed values, $25.000000 a day and $750.000000 a month
///    (escalation doubles *from the seeds only*: a tenant escalated before, or whose
///    limits an operator set by hand, is left alone, so no pass can double twice);
/// 3. the last `canary.clean_days` complete UTC days (yesterday backwards) were clean, as
///    `canary_clean_days()` in `db/migrations/0007_workers.sql` defines it: each day has
///    a `budget_daily` rollup, spent ≤ that day's base daily limit, no `budget.denial_storm`
///    audit row for the tenant, and no `rollback`/`rollback.*` audit row for the tenant or
///    for everyone;
/// 4. today so far is not already dirty the same way (a storm or rollback this morning
///    stops the escalation even when the last seven days were clean).
///
/// Then the limits become $50/day and $1,500/month, and a `canary_escalations` row
/// (`applied = true`) and a `budget.canary.escalate` audit row are written in the same
/// transaction. A dry run (`canary.escalation_dry_run`, `safemut escalate --dry-run`,
/// `{"dry_run":true}`) writes both rows with `applied = false` and changes no limit. The
/// scheduled worker records a dry-run decision at most once per tenant per UTC day; a
/// pass someone asked for always records.
public enum CanaryEscalationRule {
    public static let seedDailyMicros: Int64 = 25_000_000
    public static let seedMonthlyMicros: Int64 = 750_000_000
    public static let escalatedDailyMicros: Int64 = 50_000_000
    public static let escalatedMonthlyMicros: Int64 = 1_500_000_000

    /// The audit action of every escalation decision that is recorded.
    public static let auditAction = "budget.canary.escalate"
    /// `decided_by` / audit actor of the scheduled worker.
    public static let workerActor = "worker.canary_escalation"

    /// Whether limits are the seeds this rule escalates from.
    public static func isSeed(dailyMicros: Int64, monthlyMicros: Int64) -> Bool {
        dailyMicros == seedDailyMicros && monthlyMicros == seedMonthlyMicros
    }
}
