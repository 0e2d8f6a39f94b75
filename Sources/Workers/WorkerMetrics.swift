import CoreMetrics

/// The workers' metrics through swift-metrics (the executable bootstraps the Prometheus
/// backend before the runner is made). Labels are bounded: worker name and outcome.
final class WorkerMetrics: Sendable {
    /// 1 while this replica holds the leader lock.
    let leader = Gauge(label: "safemut_workers_leader")
    /// Unix time of the last fully successful reconcile pass: freshness is `time() - this`.
    let reconcileLastSuccess = Gauge(label: "budget_reconcile_last_success_timestamp_seconds")
    /// Reservations past their TTL that the reconciler settled at their estimate (a crashed
    /// replica or a lost settlement: the request may have run). The old
    /// `budget_stale_reservations_released_total` stays exported at 0: nothing is released blind.
    let staleSettled = Counter(label: "budget_reconciler_settlements_total")
    let staleSettledUSD = FloatingPointCounter(label: "budget_reconciler_settled_usd_total")
    let staleReleased = Counter(label: "budget_stale_reservations_released_total")
    /// Canary tenants whose limits were raised.
    let escalations = Counter(label: "budget_canary_escalations_total")
    private let runs: [String: Counter]

    static let workers = ["reconcile", "canary_escalation"]
    static let outcomes = ["ok", "partial", "error"]

    init() {
        var runs: [String: Counter] = [:]
        for worker in Self.workers {
            for outcome in Self.outcomes {
                runs[worker + "/" + outcome] = Counter(label: "safemut_worker_runs_total", dimensions: [("worker", worker), ("outcome", outcome)])
            }
        }
        self.runs = runs
    }

    func run(_ worker: String, outcome: String) {
        runs[worker + "/" + outcome]?.increment()
    }
}
