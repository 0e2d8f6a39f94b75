import Kit
import Contract
import Logging
import Postgres
import Telemetry

/// `GET /health/budget`: whether the budget path can enforce limits.
///
/// - `down` (503): Postgres is not configured or does not answer — every mutation then
///   gets `budget.fail_mode`'s answer.
/// - `degraded` (200): Postgres answers, but reservations exist that are past their TTL by
///   more than `staleGrace` (the reconciler is not releasing them: spend is held that no
///   request owns), or a tenant's spent + reserved today or this month is above its limit ×
///   override (possible only when actual costs overran their estimates, or a limit was
///   lowered below what was already spent).
/// - `ok` (200): neither.
///
/// The body names each check: `{"status":"ok","checks":{"postgres":{…},"stale_reservations":
/// {…},"tenants_over_limit":{…}},"reasons":[…]}`.
public struct BudgetHealth: Sendable {
    let pool: PostgresPool?
    let staleGrace: Duration
    let logger: Logger

    /// `staleGrace`: how long past its TTL a reservation may wait for the reconciler before
    /// it counts against health — give it `workers.reconcile_interval_ms`.
    public init(pool: PostgresPool?, staleGrace: Duration = .seconds(60), logger: Logger) {
        self.pool = pool
        self.staleGrace = staleGrace
        self.logger = logger
    }

    public enum Status: String, Sendable {
        case ok, degraded, down
    }

    /// The HTTP status and JSON body for `GET /health/budget`.
    public func check() async -> (status: Int, json: JSONValue) {
        let report = await evaluate()
        return (report.status == .down ? 503 : 200, report.json)
    }

    /// The checks, evaluated now.
    public func evaluate() async -> BudgetHealthReport {
        guard let pool else {
            return BudgetHealthReport(
                status: .down, postgresUp: false, latencyMicros: 0, postgresError: "database.url is not configured",
                staleCount: 0, oldestStale: nil, overLimit: [], reasons: ["postgres is not configured"])
        }
        let clock = ContinuousClock()
        let start = clock.now
        do throws(PostgresError) {
            let row = try await pool.query(Self.sql, [.int(staleGrace.wholeMicroseconds)]).single()
            let elapsed = clock.now - start
            let staleCount = try row["stale_count"].int64()
            let oldest = try row["oldest_stale"].nonNull?.string()
            let overText = try row["over_limit"].nonNull?.string() ?? ""
            let overLimit = overText.isEmpty ? [] : overText.split(separator: ",").map(String.init)
            var reasons: [String] = []
            if staleCount > 0 { reasons.append("\(staleCount) reservation(s) past their TTL are not released") }
            if !overLimit.isEmpty { reasons.append("over limit: \(overLimit.joined(separator: ", "))") }
            return BudgetHealthReport(
                status: reasons.isEmpty ? .ok : .degraded, postgresUp: true,
                latencyMicros: elapsed.wholeMicroseconds,
                postgresError: nil, staleCount: staleCount, oldestStale: oldest, overLimit: overLimit, reasons: reasons)
        } catch {
            let elapsed = clock.now - start
            logger.warning("budget health: postgres check failed", metadata: ["error": "\(error)"])
            return BudgetHealthReport(
                status: .down, postgresUp: false,
                latencyMicros: elapsed.wholeMicroseconds,
                postgresError: "\(error)", staleCount: 0, oldestStale: nil, overLimit: [], reasons: ["postgres is unreachable"])
        }
    }

    /// One round trip: the stale reservations (the partial index on reserved rows) and the
    /// tenants over their limits (the counters of the current windows only).
    static let sql = """
        SELECT
            (SELECT count(*) FROM budget_ledger
              WHERE status = 'reserved' AND expires_at < now() - $1::bigint * interval '1 microsecond') AS stale_count,
            (SELECT \(SQLText.utc("min(expires_at)")) FROM budget_ledger
              WHERE status = 'reserved' AND expires_at < now() - $1::bigint * interval '1 microsecond') AS oldest_stale,
            (SELECT string_agg(tenant_id, ',' ORDER BY tenant_id) FROM (
                SELECT t.tenant_id,
                       \(SQLText.activeMultiplier(tenantColumn: "t.tenant_id")) AS multiplier,
                       CASE WHEN t.counter_day = \(SQLText.today) THEN t.daily_spent_usd + t.daily_reserved_usd ELSE 0 END AS day_used,
                       CASE WHEN t.counter_month = \(SQLText.monthStart) THEN t.monthly_spent_usd + t.monthly_reserved_usd ELSE 0 END AS month_used,
                       t.daily_usd_limit, t.monthly_usd_limit
                FROM tenant_budget t
            ) u WHERE u.day_used > u.daily_usd_limit * u.multiplier OR u.month_used > u.monthly_usd_limit * u.multiplier) AS over_limit
        """
}

/// What `BudgetHealth` found.
public struct BudgetHealthReport: Sendable, Equatable {
    public var status: BudgetHealth.Status
    public var postgresUp: Bool
    public var latencyMicros: Int64
    public var postgresError: String?
    public var staleCount: Int64
    public var oldestStale: String?
    public var overLimit: [String]
    public var reasons: [String]

    public var json: JSONValue {
        var postgres: [JSONMember] = [
            JSONMember("status", .string(postgresUp ? "up" : "down")),
            JSONMember("latency_ms", .number(Self.milliseconds(latencyMicros))),
        ]
        if let postgresError { postgres.append(JSONMember("error", .string(postgresError))) }
        return .members([
            "status": .string(status.rawValue),
            "checks": .members([
                "postgres": .object(postgres),
                "stale_reservations": .members(["count": .int(staleCount), "oldest_expired_at": .optional(oldestStale)]),
                "tenants_over_limit": .members(["count": .int(overLimit.count), "tenants": .strings(overLimit)]),
            ]),
            "reasons": .strings(reasons),
        ])
    }

    /// Microseconds as milliseconds with three decimals (`1.234`).
    static func milliseconds(_ micros: Int64) -> String {
        let fraction = String(micros % 1_000)
        return "\(micros / 1_000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
