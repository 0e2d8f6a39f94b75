import CoreMetrics
import Metrics
import Postgres
import Prometheus
import Redis
import Telemetry

/// Pool and circuit-breaker metrics of Postgres and Redis, read from the
/// clients' stats at each scrape: `datastore_pool_connections{store,state}`,
/// `datastore_pool_wait_seconds_total{store}`, `datastore_errors_total{store,kind}`,
/// `redis_circuit_state` (0 closed, 1 half-open, 2 open).
final class DependencyMetrics: Sendable {
    private let factory: PrometheusMetricsFactory
    private let dependencies: Dependencies
    private let totals: RunningTotals

    init(factory: PrometheusMetricsFactory, dependencies: Dependencies) {
        self.factory = factory
        self.dependencies = dependencies
        self.totals = RunningTotals(factory: factory)
    }

    func refresh() {
        if let pool = dependencies.postgres {
            let s = pool.stats()
            record(PoolSnapshot(
                store: "postgres", max: s.maxConnections, open: s.open, idle: s.idle, inUse: s.inUse, waiting: s.waiting,
                acquired: s.acquired, totalWait: s.totalWait, errors: s.errors.map { ("\($0.key)", $0.value) }))
        }
        if let client = dependencies.redis {
            let s = client.stats()
            record(PoolSnapshot(
                store: "redis", max: s.maxConnections, open: s.open, idle: s.idle, inUse: s.inUse, waiting: s.waiting,
                acquired: s.acquired, totalWait: s.totalWait, errors: s.errors.map { ("\($0.key)", $0.value) }))
            CoreMetrics.Gauge(label: "redis_circuit_state", factory: factory).record(s.breaker.gaugeValue)
        }
    }

    /// The fields both clients' stats share.
    private struct PoolSnapshot {
        let store: String
        let max, open, idle, inUse, waiting: Int
        let acquired: UInt64
        let totalWait: Duration
        let errors: [(String, UInt64)]
    }

    private func record(_ s: PoolSnapshot) {
        for (state, value) in [("max", s.max), ("open", s.open), ("idle", s.idle), ("in_use", s.inUse), ("waiting", s.waiting)] {
            gauge(s.store, state, value)
        }
        totals.advance("datastore_pool_wait_microseconds_total", [("store", s.store)], s.totalWait.wholeMicroseconds)
        totals.advance("datastore_pool_acquires_total", [("store", s.store)], Int64(clamping: s.acquired))
        for (kind, count) in s.errors {
            totals.advance("datastore_errors_total", [("store", s.store), ("kind", kind)], Int64(clamping: count))
        }
    }

    private func gauge(_ store: String, _ state: String, _ value: Int) {
        CoreMetrics.Gauge(label: "datastore_pool_connections", dimensions: [("store", store), ("state", state)], factory: factory)
            .record(value)
    }
}
