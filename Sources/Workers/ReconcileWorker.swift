import Logging
import Postgres

/// The reconcile pass: for every tenant, settle reservations past their `expires_at` at their
/// estimate (flagged `settled_by = 'reconciler'`: nobody closed them, so the request may
/// have reached the upstream and run; see 0010_reconciler_settles_stale.sql) and
/// rewrite the `budget_daily` rollups and the live counters of `tenant_budget` from the
/// ledger (`reconcile_daily_budget`), for today and yesterday (UTC, the database's clock)
/// so the last minutes before midnight are rolled up too, and for any older day that had
/// a stale reservation.
///
/// Each tenant is one transaction. It expires the stale ledger rows first and only then
/// lets `reconcile_daily_budget` lock the `tenant_budget` row (whose own expiry step then
/// finds nothing left to lock): ledger rows before the tenant row, the order of
/// `budget_reserve`, `budget_settle` and `budget_release` (0006), so a settlement arriving
/// for a stale row at the same moment waits rather than deadlocks. A deadlock or
/// serialization failure is retried all the same. The pass is idempotent: replicas or the
/// CLI running it at once only repeat each other's work.
public struct ReconcileWorker: Sendable {
    let pool: PostgresPool
    let logger: Logger
    /// Attempts per tenant when a transaction deadlocks with a settlement or serializes.
    static let attempts = 3

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    static let tenants = "SELECT tenant_id FROM tenant_budget ORDER BY tenant_id"

    static let tenantDays = """
        SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today,
               to_char((now() AT TIME ZONE 'UTC')::date - 1, 'YYYY-MM-DD') AS yesterday,
               created_at < (now() AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC' AS existed_yesterday
        FROM tenant_budget WHERE tenant_id = $1
        """

    /// A reservation nobody settled or released within its TTL may have been forwarded
    /// (a replica killed after the upstream got it): it is charged at its estimate, never
    /// given back blind. Only the gateway's release proves a request never left.
    static let expire = """
        SELECT to_char(s.budget_day, 'YYYY-MM-DD') AS day, s.settled, s.settled_usd
        FROM budget_settle_stale($1) AS s
        """

    static let rollup = """
        SELECT to_char(r.budget_day, 'YYYY-MM-DD') AS day, r.spent_usd, r.reserved_usd, r.daily_limit_usd,
               r.request_count, r.expired_count
        FROM reconcile_daily_budget($1, $2::date) AS r
        """

    static let today = "SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today"

    /// One pass over every tenant. Throws only when Postgres cannot be reached (listing the
    /// tenants, or a tenant failing for that reason); a tenant that fails otherwise is
    /// reported in `failures` and the pass goes on.
    public func runOnce() async throws(PostgresError) -> ReconcileReport {
        let tenants = try await pool.query(Self.tenants).map { row throws(PostgresError) in try row["tenant_id"].string() }
        var report = ReconcileReport(today: try await pool.query(Self.today).single()["today"].string(), tenants: [], failures: [])
        // A stopping runner ends the pass between tenants, never inside one's transaction.
        for tenant in tenants where !Task.isCancelled {
            do throws(PostgresError) {
                if let done = try await reconcile(tenant) { report.tenants.append(done) }
            } catch {
                if error.isUnreachable { throw error }
                logger.error("reconcile failed for a tenant", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
                report.failures.append(.init(tenant: tenant, error: error.description))
            }
        }
        return report
    }

    /// Reconciles one tenant (retrying a deadlock); nil when the tenant no longer exists.
    public func reconcile(_ tenant: String) async throws(PostgresError) -> ReconcileReport.Tenant? {
        var attempt = 1
        while true {
            do {
                return try await pool.transaction { session in try await Self.reconcile(tenant, in: session) }
            } catch let error as PostgresError where error.isRetryable && attempt < Self.attempts {
                attempt += 1
                logger.debug("reconcile retried", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            } catch let error as PostgresError {
                throw error
            } catch {
                throw PostgresError(.server, message: "\(error)")
            }
        }
    }

    static func reconcile(_ tenant: String, in session: PostgresSession) async throws(PostgresError) -> ReconcileReport.Tenant? {
        var days: Set<String> = []
        var expired = 0
        var expiredMicros: Int64 = 0
        for row in try await session.query(expire, [.text(tenant)]) {
            days.insert(try row["day"].string())
            expired += try row["settled"].int()
            expiredMicros += try row["settled_usd"].micros()
        }
        guard let known = try await session.query(tenantDays, [.text(tenant)]).first else { return nil }
        days.insert(try known["today"].string())
        if try known["existed_yesterday"].bool() { days.insert(try known["yesterday"].string()) }
        var rollups: [ReconcileReport.DayRollup] = []
        for day in days.sorted() {
            let row = try await session.query(rollup, [.text(tenant), .text(day)]).single()
            rollups.append(ReconcileReport.DayRollup(
                day: try row["day"].string(), spentMicros: try row["spent_usd"].micros(),
                reservedMicros: try row["reserved_usd"].micros(), dailyLimitMicros: try row["daily_limit_usd"].micros(),
                requests: try row["request_count"].int64(), expiredTotal: try row["expired_count"].int64()))
        }
        return ReconcileReport.Tenant(tenant: tenant, expired: expired, expiredMicros: expiredMicros, days: rollups)
    }
}
