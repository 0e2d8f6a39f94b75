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

    /// Set-based: the denial-storm and rollback days of the window are read from the audit
    /// log once, then every (tenant, day) is judged and the first dirty one kept.
    static let sql = """
        WITH clock AS (SELECT \(SQLText.today) AS today),
        days AS (
            SELECT t.tenant_id, g.n, c.today - g.n AS day
            FROM tenant_budget t CROSS JOIN clock c CROSS JOIN generate_series(1, $1::int) AS g(n)
            WHERE t.canary
        ),
        storms AS (
            SELECT DISTINCT a.tenant_id, (a.created_at AT TIME ZONE 'UTC')::date AS day
            FROM audit_log a, clock c
            WHERE a.action = 'budget.denial_storm' AND a.tenant_id IS NOT NULL
              AND a.created_at >= (c.today - $1::int)::timestamp AT TIME ZONE 'UTC'
        ),
        rollbacks AS (
            SELECT DISTINCT a.tenant_id, (a.created_at AT TIME ZONE 'UTC')::date AS day
            FROM audit_log a, clock c
            WHERE (a.action = 'rollback' OR a.action LIKE 'rollback.%')
              AND a.created_at >= (c.today - $1::int)::timestamp AT TIME ZONE 'UTC'
        ),
        judged AS (
            SELECT d.tenant_id, d.n, d.day, CASE
                WHEN bd.tenant_id IS NULL THEN 'no budget_daily rollup'
                WHEN bd.spent_usd > bd.daily_limit_usd THEN 'over its daily limit'
                WHEN s.day IS NOT NULL THEN 'budget denial storm'
                WHEN own.day IS NOT NULL OR everyone.day IS NOT NULL THEN 'rollback'
            END AS why
            FROM days d
            LEFT JOIN budget_daily bd ON bd.tenant_id = d.tenant_id AND bd.budget_day = d.day
            LEFT JOIN storms s ON s.tenant_id = d.tenant_id AND s.day = d.day
            LEFT JOIN rollbacks own ON own.tenant_id = d.tenant_id AND own.day = d.day
            LEFT JOIN (SELECT DISTINCT day FROM rollbacks WHERE tenant_id IS NULL) everyone ON everyone.day = d.day
        ),
        first_dirty AS (
            SELECT DISTINCT ON (tenant_id) tenant_id, n, day, why FROM judged WHERE why IS NOT NULL ORDER BY tenant_id, n
        )
        SELECT t.tenant_id, coalesce(f.n - 1, $1::int) AS clean_days, f.day::text AS broken_on, f.why AS broken_by
        FROM tenant_budget t
        LEFT JOIN first_dirty f ON f.tenant_id = t.tenant_id
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
