import CoreMetrics
import Prometheus
import Synchronization

/// Prometheus counters fed from running totals kept elsewhere (client stats, the
/// allowlist gate's atomics): at each scrape a counter advances by the difference
/// since the last one, so the hot path never touches the metrics library.
final class RunningTotals: Sendable {
    private let factory: PrometheusMetricsFactory
    /// Last totals seen, by metric name and labels.
    private let last = Mutex<[String: Int64]>([:])
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])

    init(factory: PrometheusMetricsFactory) {
        self.factory = factory
    }

    /// Moves the counter `name{labels}` to `total`.
    func advance(_ name: String, _ labels: [(String, String)], _ total: Int64) {
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
        // A zero total still creates the series, so dashboards see 0 rather than nothing.
        if delta > 0 || total == 0 { counter.increment(by: delta) }
    }
}
