import CoreMetrics
import PersistedQueries
import Prometheus

/// The allowlist gate's counters and policy at each scrape:
/// `persisted_query_violations_total{phase}` (log: let through, enforce: refused),
/// `persisted_query_decisions_total{decision}` (listed, bypass, phase_off, introspection,
/// or the rejection code), `persisted_query_allowlist_size`, `persisted_query_phase{phase}`
/// (1 for the default phase in force) and `persisted_query_bypass` (0/1).
final class PersistedQueryMetrics: Sendable {
    private let gate: PersistedQueryGate
    private let factory: PrometheusMetricsFactory
    private let totals: RunningTotals

    init(gate: PersistedQueryGate, factory: PrometheusMetricsFactory) {
        self.gate = gate
        self.factory = factory
        self.totals = RunningTotals(factory: factory)
    }

    func refresh() {
        let report = gate.report()
        let counters = report.counters
        for phase in AllowlistPhase.allCases where phase != .off {
            totals.advance("persisted_query_violations_total", [("phase", phase.rawValue)], Int64(clamping: counters.violations[phase] ?? 0))
        }
        for reason in PersistedQueryAllowance.allCases {
            totals.advance("persisted_query_decisions_total", [("decision", Self.label(reason))], Int64(clamping: counters.allowed[reason] ?? 0))
        }
        for code in PersistedQueryRejectCode.allCases {
            totals.advance("persisted_query_decisions_total", [("decision", code.rawValue)], Int64(clamping: counters.rejections[code] ?? 0))
        }
        CoreMetrics.Gauge(label: "persisted_query_allowlist_size", factory: factory).record(report.allowlistCount)
        for phase in AllowlistPhase.allCases {
            CoreMetrics.Gauge(label: "persisted_query_phase", dimensions: [("phase", phase.rawValue)], factory: factory)
                .record(report.policy.phase == phase ? 1 : 0)
        }
        CoreMetrics.Gauge(label: "persisted_query_bypass", factory: factory).record(report.policy.bypass ? 1 : 0)
        if let apq = gate.apq?.counters {
            // Apollo APQ: hash-only requests served (from memory or Redis) or not found,
            // registrations, cap evictions, and Redis failures (each answered as a miss).
            totals.advance("apq_lookups_total", [("outcome", "local_hit")], Int64(clamping: apq.localHits))
            totals.advance("apq_lookups_total", [("outcome", "shared_hit")], Int64(clamping: apq.sharedHits))
            totals.advance("apq_lookups_total", [("outcome", "miss")], Int64(clamping: apq.misses))
            totals.advance("apq_registrations_total", [], Int64(clamping: apq.registrations))
            totals.advance("apq_evictions_total", [], Int64(clamping: apq.evictions))
            totals.advance("apq_errors_total", [], Int64(clamping: apq.errors))
        }
    }

    private static func label(_ reason: PersistedQueryAllowance) -> String {
        switch reason {
        case .listed: return "listed"
        case .bypass: return "bypass"
        case .phaseOff: return "phase_off"
        case .introspection: return "introspection"
        }
    }
}
