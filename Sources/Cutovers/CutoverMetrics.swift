import CoreMetrics
import Cutover
import Metrics
import Telemetry

/// The cutover's metrics (SPEC §10): `canary_weight_percent`, `canary_stage` (1-based, 0
/// when none runs), `canary_state{state}` (1 for the current one), `canary_judge_verdict
/// {rule,verdict}` (1 for each rule's current verdict), `canary_rollbacks_total{reason}`
/// (auto, manual, kill_switch, security), `canary_kill_switch_engaged`. Per-arm traffic is
/// the gateway's `upstream_requests_total{arm,class}`.
public final class CutoverMetrics: Sendable {
    private let counters: CounterCache
    private let weight: CoreMetrics.Gauge
    private let stage: CoreMetrics.Gauge
    private let killSwitch: CoreMetrics.Gauge
    private let states: [CutoverState.Status: CoreMetrics.Gauge]
    private let verdicts: [String: [Verdict: CoreMetrics.Gauge]]

    public static let rollbackReasons = ["auto", "manual", "kill_switch", "security"]

    public init(rules: [String], factory: any MetricsFactory = MetricsSystem.factory) {
        counters = CounterCache(factory: factory)
        weight = CoreMetrics.Gauge(label: "canary_weight_percent", factory: factory)
        stage = CoreMetrics.Gauge(label: "canary_stage", factory: factory)
        killSwitch = CoreMetrics.Gauge(label: "canary_kill_switch_engaged", factory: factory)
        var states: [CutoverState.Status: CoreMetrics.Gauge] = [:]
        for status in CutoverState.Status.allCases {
            states[status] = CoreMetrics.Gauge(label: "canary_state", dimensions: [("state", status.rawValue)], factory: factory)
        }
        self.states = states
        var verdicts: [String: [Verdict: CoreMetrics.Gauge]] = [:]
        for rule in rules {
            var byVerdict: [Verdict: CoreMetrics.Gauge] = [:]
            for verdict in Verdict.allCases {
                byVerdict[verdict] = CoreMetrics.Gauge(
                    label: "canary_judge_verdict", dimensions: [("rule", rule), ("verdict", verdict.rawValue)], factory: factory)
            }
            verdicts[rule] = byVerdict
        }
        self.verdicts = verdicts
        for reason in Self.rollbackReasons { _ = counters.counter("canary_rollbacks_total", [("reason", reason)]) }
        show(CutoverState())
    }

    func show(_ state: CutoverState) {
        weight.record(Double(state.weightPercent))
        stage.record(Double(state.stageNumber))
        killSwitch.record(state.killSwitchEngaged ? 1 : 0)
        for (status, gauge) in states { gauge.record(status == state.status ? 1 : 0) }
    }

    func show(_ verdict: StageVerdict) {
        for rule in verdict.rules {
            for (value, gauge) in verdicts[rule.rule] ?? [:] { gauge.record(value == rule.verdict ? 1 : 0) }
        }
    }

    func rolledBack(reason: String) {
        counters.counter("canary_rollbacks_total", [("reason", reason)]).increment()
    }
}
