import Postgres

/// How many complete UTC days in a row a canary tenant has stayed clean, walking back from
/// yesterday: the evidence `canary-status` shows for escalation (SPEC §4).
///
/// A day is clean when its `budget_daily` rollup exists (the day was observed: a day the
/// reconciler never rolled up is unknown, and unknown is not clean), its spend stayed within
/// the day's base limit (a day that needed an override to fit is not clean), and the audit
/// log holds no `budget.denial_storm` for the tenant and no `rollback`/`rollback.*` for it
/// or for everyone that day.
struct CanaryStreak: Sendable, Equatable {
    var tenantID: String
    var cleanDays: Int
    /// The day that ended the streak and why; nil when every counted day was clean.
    var brokenOn: String?
    var brokenBy: String?

    /// Days counted back at most: a year of evidence is plenty for any `canary.clean_days`.
    static let maximumDays = 366

    /// The rule itself is `canary_clean_days` (`db/migrations/0007_workers.sql`), the one the
    /// escalation worker applies, so `canary-status` and the escalation can never disagree.
    /// (Sessions run with JIT off, so the function's many small statements stay cheap.)
    static let sql = """
        SELECT t.tenant_id, c.clean_days, c.broken_on::text AS broken_on, c.broken_by
        FROM tenant_budget t
        CROSS JOIN LATERAL canary_clean_days(t.tenant_id, \(SQLText.today), $1::int) AS c
        WHERE t.canary
        ORDER BY t.tenant_id
        """

    static func load(_ pool: PostgresPool) async throws(PostgresError) -> [String: CanaryStreak] {
        let rows = try await pool.query(sql, [.int(Int64(maximumDays))])
        var streaks: [String: CanaryStreak] = [:]
        for row in rows {
            let streak = CanaryStreak(
                tenantID: try row["tenant_id"].string(), cleanDays: try row["clean_days"].int(),
                brokenOn: try row["broken_on"].nonNull?.string(), brokenBy: try row["broken_by"].nonNull?.string())
            streaks[streak.tenantID] = streak
        }
        return streaks
    }
}
