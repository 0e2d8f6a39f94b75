import CoreMetrics
import Downshift
import Synchronization

/// `downshift_tier`, `downshift_manual`, `downshift_refusals_total{tier,reason}`,
/// `finops_budget_burn_ratio{budget}` (actual) and `finops_budget_projected_burn_ratio{budget}`,
/// `synthetic_check_success{check,tier,priority}`.
public final class DownshiftMetrics: Sendable {
    let tier = CoreMetrics.Gauge(label: "downshift_tier")
    let manual = CoreMetrics.Gauge(label: "downshift_manual")
    private let refusals = Mutex<[String: CoreMetrics.Counter]>([:])
    private let gauges = Mutex<[String: CoreMetrics.Gauge]>([:])

    public init() {
        tier.record(0)
        manual.record(0)
    }

    public func show(tier value: DownshiftTier, manual isManual: Bool) {
        tier.record(value.rawValue)
        manual.record(isManual ? 1 : 0)
    }

    public func refused(tier: DownshiftTier, reason: String) {
        let key = "\(tier.rawValue)|\(reason)"
        refusals.withLock { cache in
            if cache[key] == nil {
                cache[key] = CoreMetrics.Counter(label: "downshift_refusals_total", dimensions: [("tier", String(tier.rawValue)), ("reason", reason)])
            }
            return cache[key]!
        }.increment()
    }

    func gauge(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Gauge {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return gauges.withLock { cache in
            if cache[key] == nil { cache[key] = CoreMetrics.Gauge(label: label, dimensions: dimensions) }
            return cache[key]!
        }
    }

    /// Ratios as exact per mille, shown as a ratio (per mille ÷ 1000 is exact in a Double).
    public func burn(_ budget: String, actualPerMille: Int64, projectedPerMille: Int64) {
        gauge("finops_budget_burn_ratio", [("budget", budget)]).record(Double(actualPerMille) / 1_000)
        gauge("finops_budget_projected_burn_ratio", [("budget", budget)]).record(Double(projectedPerMille) / 1_000)
    }

    /// `finops_budget_readable{budget}`: 0 while a budget's source fails (the ladder holds).
    public func readable(_ budget: String, _ ok: Bool) {
        gauge("finops_budget_readable", [("budget", budget)]).record(ok ? 1 : 0)
    }

    public func synthetic(check: String, priority: Int, tier: DownshiftTier, success: Bool) {
        let priority = "P\(priority)"
        for level in DownshiftTier.allCases where level != tier {
            // Only the tier the check ran at carries a result; at the others it is NaN (no
            // result now), so an alert on 0 does not keep firing for a tier that was left.
            gauge("synthetic_check_success", [("check", check), ("tier", String(level.rawValue)), ("priority", priority)]).record(Double.nan)
        }
        gauge("synthetic_check_success", [("check", check), ("tier", String(tier.rawValue)), ("priority", priority)]).record(success ? 1 : 0)
    }
}
