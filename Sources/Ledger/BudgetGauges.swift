import CoreMetrics
import Foundation
import Logging
import Postgres
import Synchronization

/// Spend, reservations, limits and utilization per tenant for Prometheus, read from
/// `tenant_budget` every `interval` (not per scrape, so scrapes never wait on Postgres):
/// `budget_spent_usd`, `budget_reserved_usd`, `budget_limit_usd` (limit × active override
/// multiplier) and `budget_utilization_ratio` ((spent + reserved) / limit), each with labels
/// `tenant`, `window` (`daily`/`monthly`) and `canary` (`true`/`false`);
/// `budget_override_multiplier{tenant}`, `budget_settlements_pending` and
/// `budget_gauges_refreshed_timestamp_seconds`. Gauges are floats: they feed dashboards
/// and alerts; the ledger holds the exact figures.
public final class BudgetGauges: Sendable {
    private let pool: PostgresPool
    private let ledger: Ledger?
    private let factory: any MetricsFactory
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)

    public init(pool: PostgresPool, ledger: Ledger?, factory: any MetricsFactory = MetricsSystem.factory, logger: Logger) {
        self.pool = pool
        self.ledger = ledger
        self.factory = factory
        self.logger = logger
    }

    static let query = """
        SELECT t.tenant_id, t.canary, t.daily_usd_limit, t.monthly_usd_limit,
               CASE WHEN t.counter_day = (now() AT TIME ZONE 'UTC')::date THEN t.daily_spent_usd ELSE 0 END AS daily_spent,
               CASE WHEN t.counter_day = (now() AT TIME ZONE 'UTC')::date THEN t.daily_reserved_usd ELSE 0 END AS daily_reserved,
               CASE WHEN t.counter_month = date_trunc('month', now() AT TIME ZONE 'UTC')::date THEN t.monthly_spent_usd ELSE 0 END AS monthly_spent,
               CASE WHEN t.counter_month = date_trunc('month', now() AT TIME ZONE 'UTC')::date THEN t.monthly_reserved_usd ELSE 0 END AS monthly_reserved,
               coalesce((SELECT max(o.budget_multiplier) FROM budget_overrides o
                         WHERE o.tenant_id = t.tenant_id AND o.status = 'active' AND o.expires_at > now()), 1) AS multiplier
        FROM tenant_budget t ORDER BY t.tenant_id LIMIT 10000
        """

    /// One refresh now.
    public func refresh() async throws(PostgresError) {
        let rows = try await pool.query(Self.query)
        for row in rows {
            let tenant = try row["tenant_id"].string()
            let canary = try row["canary"].bool() ? "true" : "false"
            let multiplierMicros = try row["multiplier"].micros()
            gauge("budget_override_multiplier", [("tenant", tenant)], Double(multiplierMicros) / 1_000_000)
            for window in ["daily", "monthly"] {
                let limit = try row["\(window)_usd_limit"].micros()
                let spent = try row[window == "daily" ? "daily_spent" : "monthly_spent"].micros()
                let reserved = try row[window == "daily" ? "daily_reserved" : "monthly_reserved"].micros()
                // limit (µ$) × multiplier (µ-units) / 10^6, exact in integers before the float.
                let (product, overflow) = limit.multipliedReportingOverflow(by: multiplierMicros)
                let effective = overflow ? Double(limit) * Double(multiplierMicros) / 1_000_000 : Double(product / 1_000_000)
                let labels = [("tenant", tenant), ("window", window), ("canary", canary)]
                gauge("budget_spent_usd", labels, Double(spent) / 1_000_000)
                gauge("budget_reserved_usd", labels, Double(reserved) / 1_000_000)
                gauge("budget_limit_usd", labels, effective / 1_000_000)
                gauge("budget_utilization_ratio", labels, effective > 0 ? Double(spent + reserved) / effective : 0)
            }
        }
        gauge("budget_settlements_pending", [], Double(ledger?.pendingSettlements ?? 0))
        gauge("budget_gauges_refreshed_timestamp_seconds", [], Date().timeIntervalSince1970)
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)], _ value: Double) {
        CoreMetrics.Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }

    /// Refreshes every `interval` until `stop()`.
    public func start(interval: Duration = .seconds(5)) {
        task.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                while !Task.isCancelled {
                    do throws(PostgresError) {
                        try await self?.refresh()
                    } catch {
                        self?.logger.warning("budget gauges not refreshed", metadata: ["error": "\(error)"])
                    }
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }

    public func stop() {
        task.withLock { task in
            task?.cancel()
            task = nil
        }
    }
}
