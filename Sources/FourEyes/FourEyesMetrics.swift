import CoreMetrics
import Telemetry
import Metrics
import Synchronization

/// The four-eyes metrics (SPEC §6), through swift-metrics:
/// `four_eyes_required_total{reason}` (risk_tag, estimate, tokens, cross_tenant: one count
/// per reason of each attempt that needed approval), `approvals_pending` (the seeds alert at
/// 50+), `approval_decisions_total{decision}` (approve, reject), `approvals_used_total`,
/// `approval_time_to_approve_seconds` (request to second approval),
/// `opa_decision_duration_seconds{source}` (in_process, remote: each policy decision),
/// `policy_emergency_override_active` (0/1), `policy_emergency_overrides_total`, and
/// `four_eyes_errors_total{kind}` (approval store or policy failures).
public final class FourEyesMetrics: Sendable {
    private let factory: any MetricsFactory
    private let counters: CounterCache
    private let timeToApprove: Metrics.Timer
    private let decisionTimers: [String: Metrics.Timer]

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        counters = CounterCache(factory: factory)
        timeToApprove = Metrics.Timer(label: "approval_time_to_approve_seconds", factory: factory)
        decisionTimers = Dictionary(uniqueKeysWithValues: ["in_process", "remote"].map {
            ($0, Metrics.Timer(label: "opa_decision_duration_seconds", dimensions: [("source", $0)], factory: factory))
        })
        // Fixed-label series at 0 from start-up, so rates and the four-eyes panels have data
        // on a fresh gateway.
        for kind in Self.requiredReasons { _ = counter("four_eyes_required_total", [("reason", kind)]) }
        for decision in ApprovalStore.Verdict.allCases { _ = counter("approval_decisions_total", [("decision", decision.rawValue)]) }
        for kind in Self.errorKinds { _ = counter("four_eyes_errors_total", [("kind", kind)]) }
        _ = counter("approvals_used_total")
        _ = counter("policy_emergency_overrides_total")
    }

    /// `four_eyes_required_total`'s reasons.
    static let requiredReasons = ["risk_tag", "estimate", "tokens", "cross_tenant", "other"]
    /// `four_eyes_errors_total`'s kinds: the external OPA, the approval store, the pending-count refresh.
    static let errorKinds = ["opa", "store", "refresh"]

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        counters.counter(label, dimensions)
    }

    /// The policy's reasons (`risk_tag:bulk_delete`, `estimate_over_limit`…) as bounded labels.
    public func required(reasons: [String]) {
        var kinds = Set<String>()
        for reason in reasons {
            if reason.hasPrefix("risk_tag") { kinds.insert("risk_tag") }
            else if reason.hasPrefix("estimate") { kinds.insert("estimate") }
            else if reason.hasPrefix("tokens") { kinds.insert("tokens") }
            else if reason.hasPrefix("cross_tenant") { kinds.insert("cross_tenant") }
            else { kinds.insert("other") }
        }
        for kind in kinds { counter("four_eyes_required_total", [("reason", kind)]).increment() }
    }

    func decided(_ verdict: ApprovalStore.Verdict) {
        counter("approval_decisions_total", [("decision", verdict.rawValue)]).increment()
    }

    func approved(afterSeconds seconds: Int64) {
        timeToApprove.recordSeconds(seconds)
    }

    public func used() { counter("approvals_used_total").increment() }

    func policyDecision(source: String, took duration: Duration) {
        decisionTimers[source]?.recordNanoseconds(duration.wholeNanoseconds)
    }

    public func error(kind: String) { counter("four_eyes_errors_total", [("kind", kind)]).increment() }

    func emergencyOverrideCreated() { counter("policy_emergency_overrides_total").increment() }

    func pending(_ count: Int) {
        CoreMetrics.Gauge(label: "approvals_pending", factory: factory).record(Double(count))
    }

    func emergencyOverride(active: Bool) {
        CoreMetrics.Gauge(label: "policy_emergency_override_active", factory: factory).record(active ? 1 : 0)
    }
}
