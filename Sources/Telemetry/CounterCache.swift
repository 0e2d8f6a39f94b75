import CoreMetrics
import Synchronization

/// Counters by label and dimensions, created once and reused: swift-metrics hands out a new
/// handle per call, and building one per increment on the request path costs a lookup in
/// the registry each time. Shared by the ledger, rate-limit and four-eyes metrics.
public final class CounterCache: Sendable {
    private let factory: any MetricsFactory
    private let counters = Mutex<[String: CoreMetrics.Counter]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    public func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.withLock { cache in
            if let existing = cache[key] { return existing }
            let created = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            cache[key] = created
            return created
        }
    }
}
