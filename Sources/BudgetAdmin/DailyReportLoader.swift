import Config
import Kit
import Postgres
import Reports

/// Reads one UTC day of the ledger into a `DailyReport`: per tenant (limits, spend, what
/// was settled, released or reconciled, the overrides in force that day, the approval
/// requests by status), estimate accuracy per operation, and the `finops.budgets` kept in
/// the ledger against the month so far.
public enum DailyReportLoader {
    /// `day` is `YYYY-MM-DD` (UTC); `denials`, when Prometheus counted them, per tenant and reason.
    public static func load(
        pool: PostgresPool, day: String, budgets: [String: FinOpsBudget], denials: [String: [String: Int64]]?
    ) async throws(PostgresError) -> DailyReport {
        let generated = try await pool.query("SELECT \(SQLText.utc("now()")) AS now").single()["now"].string()
        // The day's limit as the reconciler recorded it, else today's.
        let rows = try await pool.query("""
            SELECT t.tenant_id, t.canary, coalesce(d.daily_limit_usd, t.daily_usd_limit) AS daily_limit,
                   coalesce(sum(coalesce(l.actual_usd, l.estimated_usd)) FILTER (WHERE l.status = 'settled'), 0) AS spent,
                   coalesce(sum(l.estimated_usd) FILTER (WHERE l.status = 'reserved'), 0) AS reserved,
                   count(l.id) FILTER (WHERE l.status = 'settled') AS settled,
                   count(l.id) FILTER (WHERE l.status = 'released') AS released,
                   count(l.id) FILTER (WHERE l.status = 'expired' OR l.settled_by = 'reconciler') AS reconciled
            FROM tenant_budget t
            LEFT JOIN budget_daily d ON d.tenant_id = t.tenant_id AND d.budget_day = $1::date
            LEFT JOIN budget_ledger l ON l.tenant_id = t.tenant_id AND l.budget_day = $1::date
            WHERE NOT t.synthetic
            GROUP BY t.tenant_id, t.canary, d.daily_limit_usd, t.daily_usd_limit
            ORDER BY t.tenant_id
            """, [.text(day)])
        var tenants: [DailyReport.Tenant] = []
        var index: [String: Int] = [:]
        for row in rows {
            let tenant = try row["tenant_id"].string()
            index[tenant] = tenants.count
            tenants.append(DailyReport.Tenant(
                tenant: tenant, canary: try row["canary"].bool(), dailyLimitMicros: try row["daily_limit"].micros(),
                spentMicros: try row["spent"].micros(), reservedMicros: try row["reserved"].micros(), settled: try row["settled"].int64(),
                released: try row["released"].int64(), reconciled: try row["reconciled"].int64()))
        }
        for row in try await pool.query("""
            SELECT tenant_id, budget_multiplier::text AS multiplier, status, requested_by, approved_by,
                   \(SQLText.utc("created_at")) AS from_text, \(SQLText.utc("expires_at")) AS until_text
            FROM budget_overrides
            WHERE created_at < $1::date + 1 AND expires_at > $1::date
            ORDER BY tenant_id, created_at
            """, [.text(day)]) {
            guard let at = index[try row["tenant_id"].string()] else { continue }
            tenants[at].overrides.append(DailyReport.Override(
                multiplier: try row["multiplier"].string(), status: try row["status"].string(), requestedBy: try row["requested_by"].string(),
                approvedBy: try row["approved_by"].nonNull?.string(), from: try row["from_text"].string(), until: try row["until_text"].string()))
        }
        for row in try await pool.query("""
            SELECT tenant_id, status, count(*) AS n FROM approval_requests
            WHERE created_at >= $1::date AND created_at < $1::date + 1
            GROUP BY tenant_id, status
            """, [.text(day)]) {
            guard let at = index[try row["tenant_id"].string()] else { continue }
            tenants[at].approvals[try row["status"].string()] = try row["n"].int64()
        }
        var accuracy: [DailyReport.Accuracy] = []
        for row in try await pool.query("""
            SELECT coalesce(operation_name, '(anonymous)') AS operation, count(*) AS n,
                   sum(estimated_usd) AS estimated, sum(actual_usd) AS actual
            FROM budget_ledger
            WHERE budget_day = $1::date AND status = 'settled' AND actual_usd IS NOT NULL AND settled_by IS DISTINCT FROM 'reconciler'
            GROUP BY 1 ORDER BY sum(actual_usd) DESC, 1
            """, [.text(day)]) {
            accuracy.append(DailyReport.Accuracy(
                operation: try row["operation"].string(), count: try row["n"].int64(),
                estimatedMicros: try row["estimated"].micros(), actualMicros: try row["actual"].micros()))
        }
        // The month the day is in, up to the end of the day.
        let monthToDate = try await pool.query("""
            SELECT coalesce(sum(coalesce(actual_usd, estimated_usd)), 0) AS spent FROM budget_ledger
            WHERE status = 'settled' AND budget_day >= date_trunc('month', $1::date)::date AND budget_day <= $1::date
            """, [.text(day)]).single()["spent"].micros()
        let platform = budgets.sorted { $0.key < $1.key }.compactMap { name, budget -> DailyReport.Budget? in
            guard let limit = budget.monthlyMicros else { return nil }
            if budget.source == .prometheus {
                return DailyReport.Budget(name: name, monthlyLimitMicros: Int64(limit), monthToDateMicros: nil,
                                          problem: "kept in Prometheus (finops.budgets.\(name).query), not in the ledger")
            }
            return DailyReport.Budget(name: name, monthlyLimitMicros: Int64(limit), monthToDateMicros: monthToDate)
        }
        return DailyReport(day: day, generatedAt: generated, tenants: tenants, accuracy: accuracy, budgets: platform, denials: denials)
    }
}
