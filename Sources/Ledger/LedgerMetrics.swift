import Ports
import CoreMetrics
import Telemetry
import Metrics
import Synchronization

/// The ledger's own metrics (issue 5 §8), through swift-metrics:
/// `budget_denials_total{reason,tenant}`, `budget_enforcement_errors_total{kind}`,
/// `budget_reservation_duration_seconds`, `budget_settlement_lag_seconds`,
/// `budget_settlements_total{outcome}`, `budget_estimate_exceeded_total{tenant}` and
/// `budget_estimate_excess_usd_total{tenant}` (how far actual costs passed their
/// estimates: the estimator's error), `budget_settlement_failures_total`.
/// Per-tenant labels are bounded by the tenants in `tenant_budget`.
public final class LedgerMetrics: Sendable {
    private let factory: any MetricsFactory
    private let reservation: Metrics.Timer
    private let lag: Metrics.Timer
    private let counters: CounterCache
    private let floatCounters = Mutex<[String: CoreMetrics.FloatingPointCounter]>([:])

    /// `budget_denials_total`'s reasons: the two windows, and a tenant without a budget row.
    public static let denialReasons = [BudgetWindow.daily.rawValue, BudgetWindow.monthly.rawValue, "unknown_tenant"]
    /// `budget_enforcement_errors_total`'s kinds: Postgres did not answer and the mutation was
    /// admitted unreserved (`fail_open`) or refused with 503 (`fail_closed`).
    public static let enforcementErrorKinds = ["fail_open", "fail_closed"]
    /// `budget_settlements_total`'s outcomes (prior status of a settled row, or a release).
    /// `corrected`: the reconciler had charged the estimate of a reservation this gateway
    /// was slow to close; the gateway's own settlement replaced it.
    public static let settlementOutcomes = ["settled", "already_settled", "already_released", "released", "corrected"]

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        counters = CounterCache(factory: factory)
        reservation = Metrics.Timer(label: "budget_reservation_duration_seconds", factory: factory)
        lag = Metrics.Timer(label: "budget_settlement_lag_seconds", factory: factory)
        // Every fixed-label series exists at 0 from start-up, so `rate(...)`, the runbooks'
        // queries and the alerts see a series on a fresh gateway instead of "no data". The
        // denial zeros carry the shared no-budget tenant label: per-tenant series appear with
        // the first denial of each real tenant.
        for reason in Self.denialReasons {
            _ = counter("budget_denials_total", [("reason", reason), ("tenant", Ledger.unknownTenantLabel)])
        }
        for kind in Self.enforcementErrorKinds { _ = counter("budget_enforcement_errors_total", [("kind", kind)]) }
        for outcome in Self.settlementOutcomes { _ = counter("budget_settlements_total", [("outcome", outcome)]) }
        _ = counter("budget_settlement_failures_total", [])
    }

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        counters.counter(label, dimensions)
    }

    public func reserved(after duration: Duration) {
        reservation.recordNanoseconds(duration.wholeNanoseconds)
    }

    func denied(reason: String, tenant: String) {
        counter("budget_denials_total", [("reason", reason), ("tenant", tenant)]).increment()
    }

    func enforcementError(kind: String) {
        counter("budget_enforcement_errors_total", [("kind", kind)]).increment()
    }

    func settled(_ reservation: Reservation, _ settlement: Settlement, prior: String, lag duration: Duration) {
        lag.recordNanoseconds(duration.wholeNanoseconds)
        let outcome = switch prior {
        case "reserved", "expired": "settled"
        case "reconciled": "corrected"
        default: "already_" + prior
        }
        counter("budget_settlements_total", [("outcome", outcome)]).increment()
        if let actual = settlement.actualMicros, actual > reservation.estimateMicros {
            counter("budget_estimate_exceeded_total", [("tenant", reservation.tenant)]).increment()
            // A metric, not money: the float is for dashboards; the ledger holds the exact figure.
            let excess = Double(actual - reservation.estimateMicros) / 1_000_000
            let key = "excess|" + reservation.tenant
            let floatCounter = floatCounters.withLock { cache in
                if let existing = cache[key] { return existing }
                let created = CoreMetrics.FloatingPointCounter(
                    label: "budget_estimate_excess_usd_total", dimensions: [("tenant", reservation.tenant)], factory: factory)
                cache[key] = created
                return created
            }
            floatCounter.increment(by: excess)
        }
    }

    func released() {
        counter("budget_settlements_total", [("outcome", "released")]).increment()
    }

    func settlementFailed() {
        counter("budget_settlement_failures_total", []).increment()
    }
}
