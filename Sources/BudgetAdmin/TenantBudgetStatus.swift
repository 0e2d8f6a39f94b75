import Kit
import Contract
import Ledger
import Postgres

/// One tenant's budget right now: limits, what today and this month have spent and hold
/// reserved, and how much of the (override-multiplied) limit that uses.
///
/// The running counters in `tenant_budget` belong to `counter_day`/`counter_month`; the
/// first reservation of a new UTC day or month resets them. Until then they describe a
/// past window, so a counter whose window is not the current one reads as 0 here.
struct TenantBudgetStatus: Sendable {
    var tenantID: String
    var environment: String
    var tenantClass: String
    var canary: Bool
    var alertThreshold: String
    var day: String
    var month: String
    var dailyLimit: Int64
    var monthlyLimit: Int64
    var dailySpent: Int64
    var dailyReserved: Int64
    var monthlySpent: Int64
    var monthlyReserved: Int64
    /// The active override multiplier (`1` without one), exact.
    var multiplier: String
    var dailyEffectiveLimit: Int64
    var monthlyEffectiveLimit: Int64
    /// (spent + reserved) / (limit × multiplier), 6 decimals; nil for a zero limit.
    var dailyUtilization: String?
    var monthlyUtilization: String?
    /// The larger of the two.
    var utilization: String?
    var alert: Bool
    var overLimit: Bool
    var overrideID: String?
    var overrideExpiresAt: String?
    var pendingOverrides: Int64
    /// Today's reservations nobody closed, which the reconciler settled at their estimate
    /// (a crashed replica's: they may have run), and that money.
    var reconcilerSettled: Int64
    var reconcilerSettledUSD: Int64

    /// Every tenant (or the canaries), ordered by id; one statement, one snapshot.
    static func sql(canaryOnly: Bool) -> String {
        """
        WITH live AS (
            SELECT t.tenant_id, t.environment, t.tenant_class, t.canary, t.alert_threshold,
                   t.daily_usd_limit, t.monthly_usd_limit,
                   \(SQLText.today) AS today, \(SQLText.monthStart) AS month_start,
                   CASE WHEN t.counter_day = \(SQLText.today) THEN t.daily_spent_usd ELSE 0 END AS d_spent,
                   CASE WHEN t.counter_day = \(SQLText.today) THEN t.daily_reserved_usd ELSE 0 END AS d_reserved,
                   CASE WHEN t.counter_month = \(SQLText.monthStart) THEN t.monthly_spent_usd ELSE 0 END AS m_spent,
                   CASE WHEN t.counter_month = \(SQLText.monthStart) THEN t.monthly_reserved_usd ELSE 0 END AS m_reserved,
                   \(SQLText.activeMultiplier(tenantColumn: "t.tenant_id")) AS multiplier,
                   (SELECT count(*) FROM budget_overrides p
                     WHERE p.tenant_id = t.tenant_id AND p.status = 'pending_approval' AND p.expires_at > now()) AS pending_overrides,
                   rs.n AS reconciler_settled, rs.usd AS reconciler_settled_usd
            FROM tenant_budget t
            -- Today's reconciler settlements: count and money in one pass over the partial index.
            CROSS JOIN LATERAL (
                SELECT count(*) AS n, coalesce(sum(r.actual_usd), 0) AS usd FROM budget_ledger r
                WHERE r.tenant_id = t.tenant_id AND r.budget_day = \(SQLText.today) AND r.settled_by = 'reconciler'
            ) rs
            \(canaryOnly ? "WHERE t.canary" : "")
        ), measured AS (
            SELECT l.*,
                   CASE WHEN l.daily_usd_limit * l.multiplier > 0
                        THEN round((l.d_spent + l.d_reserved) / (l.daily_usd_limit * l.multiplier), 6) END AS d_util,
                   CASE WHEN l.monthly_usd_limit * l.multiplier > 0
                        THEN round((l.m_spent + l.m_reserved) / (l.monthly_usd_limit * l.multiplier), 6) END AS m_util
            FROM live l
        )
        SELECT m.tenant_id, m.environment, m.tenant_class, m.canary, m.alert_threshold::text AS alert_threshold,
               m.today::text AS day, to_char(m.month_start, 'YYYY-MM') AS month,
               m.daily_usd_limit::text AS daily_limit, m.monthly_usd_limit::text AS monthly_limit,
               m.d_spent::text AS d_spent, m.d_reserved::text AS d_reserved,
               m.m_spent::text AS m_spent, m.m_reserved::text AS m_reserved,
               m.multiplier::text AS multiplier,
               trunc(m.daily_usd_limit * m.multiplier, 6)::text AS d_effective,
               trunc(m.monthly_usd_limit * m.multiplier, 6)::text AS m_effective,
               m.d_util::text AS d_util, m.m_util::text AS m_util,
               greatest(m.d_util, m.m_util)::text AS utilization,
               coalesce(greatest(m.d_util, m.m_util) >= m.alert_threshold, false) AS alert,
               (m.d_spent + m.d_reserved > m.daily_usd_limit * m.multiplier
                 OR m.m_spent + m.m_reserved > m.monthly_usd_limit * m.multiplier) AS over_limit,
               o.id::text AS override_id, \(SQLText.utc("o.expires_at")) AS override_expires_at,
               m.pending_overrides, m.reconciler_settled, m.reconciler_settled_usd::text AS reconciler_settled_usd
        FROM measured m
        LEFT JOIN LATERAL (
            SELECT b.id, b.expires_at FROM budget_overrides b
            WHERE b.tenant_id = m.tenant_id AND b.status = 'active' AND b.expires_at > now()
            ORDER BY b.budget_multiplier DESC, b.expires_at DESC LIMIT 1
        ) o ON true
        ORDER BY m.tenant_id
        """
    }

    init(_ row: PostgresRow) throws(PostgresError) {
        tenantID = try row["tenant_id"].string()
        environment = try row["environment"].string()
        tenantClass = try row["tenant_class"].string()
        canary = try row["canary"].bool()
        alertThreshold = try row["alert_threshold"].string()
        day = try row["day"].string()
        month = try row["month"].string()
        dailyLimit = try row["daily_limit"].micros()
        monthlyLimit = try row["monthly_limit"].micros()
        dailySpent = try row["d_spent"].micros()
        dailyReserved = try row["d_reserved"].micros()
        monthlySpent = try row["m_spent"].micros()
        monthlyReserved = try row["m_reserved"].micros()
        multiplier = try row["multiplier"].string()
        dailyEffectiveLimit = try row["d_effective"].micros()
        monthlyEffectiveLimit = try row["m_effective"].micros()
        dailyUtilization = try row["d_util"].nonNull?.string()
        monthlyUtilization = try row["m_util"].nonNull?.string()
        utilization = try row["utilization"].nonNull?.string()
        alert = try row["alert"].bool()
        overLimit = try row["over_limit"].bool()
        overrideID = try row["override_id"].nonNull?.string()
        overrideExpiresAt = try row["override_expires_at"].nonNull?.string()
        pendingOverrides = try row["pending_overrides"].int64()
        reconcilerSettled = try row["reconciler_settled"].int64()
        reconcilerSettledUSD = try row["reconciler_settled_usd"].micros()
    }

    var json: JSONValue {
        .members([
            "tenant_id": .string(tenantID),
            "environment": .string(environment),
            "tenant_class": .string(tenantClass),
            "canary": .bool(canary),
            "daily": .members([
                "day": .string(day),
                "limit_usd": MicroDollars.json(dailyLimit),
                "effective_limit_usd": MicroDollars.json(dailyEffectiveLimit),
                "spent_usd": MicroDollars.json(dailySpent),
                "reserved_usd": MicroDollars.json(dailyReserved),
                "utilization": .decimal(dailyUtilization),
                // Part of spent_usd: reservations a crashed or cut-off replica never closed,
                // charged at their estimate because they may have run.
                "reconciler_settled": .int(reconcilerSettled),
                "reconciler_settled_usd": MicroDollars.json(reconcilerSettledUSD),
            ]),
            "monthly": .members([
                "month": .string(month),
                "limit_usd": MicroDollars.json(monthlyLimit),
                "effective_limit_usd": MicroDollars.json(monthlyEffectiveLimit),
                "spent_usd": MicroDollars.json(monthlySpent),
                "reserved_usd": MicroDollars.json(monthlyReserved),
                "utilization": .decimal(monthlyUtilization),
            ]),
            "utilization": .decimal(utilization),
            "alert_threshold": .number(alertThreshold),
            "alert": .bool(alert),
            "over_limit": .bool(overLimit),
            "override_multiplier": .number(multiplier),
            "override": overrideID.map { id in
                .members(["id": .string(id), "expires_at": .optional(overrideExpiresAt)])
            } ?? .null,
            "pending_overrides": .int(pendingOverrides),
        ])
    }
}
