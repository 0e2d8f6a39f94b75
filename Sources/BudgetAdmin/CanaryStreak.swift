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

    static let sql = """
        SELECT t.tenant_id, coalesce(d.n - 1, $1::int) AS clean_days, d.day::text AS broken_on, d.why AS broken_by
        FROM tenant_budget t
        LEFT JOIN LATERAL (
            SELECT g.n, (\(SQLText.today) - g.n) AS day, w.why
            FROM generate_series(1, $1::int) AS g(n)
            CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN bd.tenant_id IS NULL THEN 'no budget_daily rollup'
                    WHEN bd.spent_usd > bd.daily_limit_usd THEN 'over its daily limit'
                    WHEN EXISTS (
                        SELECT 1 FROM audit_log a
                        WHERE a.tenant_id = t.tenant_id AND a.action = 'budget.denial_storm'
                          AND a.created_at >= (\(SQLText.today) - g.n)::timestamp AT TIME ZONE 'UTC'
                          AND a.created_at < (\(SQLText.today) - g.n + 1)::timestamp AT TIME ZONE 'UTC'
                    ) THEN 'budget denial storm'
                    WHEN EXISTS (
                        SELECT 1 FROM audit_log a
                        WHERE (a.tenant_id = t.tenant_id OR a.tenant_id IS NULL)
                          AND (a.action = 'rollback' OR a.action LIKE 'rollback.%')
                          AND a.created_at >= (\(SQLText.today) - g.n)::timestamp AT TIME ZONE 'UTC'
                          AND a.created_at < (\(SQLText.today) - g.n + 1)::timestamp AT TIME ZONE 'UTC'
                    ) THEN 'rollback'
                END AS why
                FROM (SELECT 1) AS one
                LEFT JOIN budget_daily bd ON bd.tenant_id = t.tenant_id AND bd.budget_day = \(SQLText.today) - g.n
            ) w
            WHERE w.why IS NOT NULL
            ORDER BY g.n
            LIMIT 1
        ) d ON true
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
