import CoreMetrics
import Metrics
import Postgres
import Prometheus
import Redis
import Synchronization

/// Pool and circuit-breaker metrics of Postgres and Redis, read from the
/// clients' stats at each scrape: `datastore_pool_connections{store,state}`,
/// `datastore_pool_wait_seconds_total{store}`, `datastore_errors_total{store,kind}`,
/// `redis_circuit_state` (0 closed, 1 half-open, 2 open).
final class DependencyMetrics: Sendable {
    private let factory: PrometheusMetricsFactory
    private let dependencies: Dependencies
    /// Last counter values seen, so counters advance by the difference.
    private let last = Mutex<[String: Int64]>([:])
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])

    init(factory: PrometheusMetricsFactory, dependencies: Dependencies) {
        self.factory = factory
        self.dependencies = dependencies
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
        advance("datastore_pool_wait_microseconds_total", [("store", s.store)], s.totalWait.wholeMicroseconds)
        advance("datastore_pool_acquires_total", [("store", s.store)], Int64(clamping: s.acquired))
        for (kind, count) in s.errors {
            advance("datastore_errors_total", [("store", s.store), ("kind", kind)], Int64(clamping: count))
        }
    }

    private func gauge(_ store: String, _ state: String, _ value: Int) {
        CoreMetrics.Gauge(label: "datastore_pool_connections", dimensions: [("store", store), ("state", state)], factory: factory)
            .record(value)
    }

    /// Moves a counter to `total` (the clients keep running totals).
    private func advance(_ name: String, _ labels: [(String, String)], _ total: Int64) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let delta = last.withLock { seen -> Int64 in
            let previous = seen[key] ?? 0
            seen[key] = max(previous, total)
            return max(0, total - previous)
        }
        let counter = counters.withLock { cache -> CoreMetrics.Counter in
            if let existing = cache[key] { return existing }
            let created = CoreMetrics.Counter(label: name, dimensions: labels, factory: factory)
            cache[key] = created
            return created
        }
        if delta > 0 || total == 0 { counter.increment(by: delta) }
    }
}
