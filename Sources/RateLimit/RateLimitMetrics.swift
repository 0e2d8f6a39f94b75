import Ports
import CoreMetrics
import Telemetry
import Metrics
import Synchronization

/// The rate limit's metrics, through swift-metrics: `rate_limit_checks_total{outcome}`
/// (allowed, limited, fail_open, fail_closed), `rate_limit_hits_total{tenant,scope}` (scope
/// tenant or operation), `rate_limit_errors_total{kind}` (timeout, connection, breaker_open,
/// script) and the histogram `rate_limit_check_duration_seconds`. The tenant label is bounded
/// by config: tenants named in `rate.canary_tenants` or `rate.tenants`, every other one `other`.
public final class RateLimitMetrics: Sendable {
    private let factory: any MetricsFactory
    private let duration: Metrics.Timer
    private let counters: CounterCache

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        counters = CounterCache(factory: factory)
        duration = Metrics.Timer(label: "rate_limit_check_duration_seconds", factory: factory)
        // Fixed-label series at 0 from start-up (RateLimitFailingOpen reads fail_open).
        for outcome in Self.checkOutcomes { _ = counter("rate_limit_checks_total", [("outcome", outcome)]) }
        for kind in RateLimitFailure.Kind.allCases { _ = counter("rate_limit_errors_total", [("kind", kind.rawValue)]) }
    }

    /// `rate_limit_checks_total`'s outcomes.
    public static let checkOutcomes = ["allowed", "limited", "fail_open", "fail_closed"]

    private func counter(_ label: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
        counters.counter(label, dimensions)
    }

    func checked(_ outcome: String, after elapsed: Duration) {
        duration.recordNanoseconds(elapsed.wholeNanoseconds)
        counter("rate_limit_checks_total", [("outcome", outcome)]).increment()
    }

    func hit(tenantLabel: String, scope: RateLimitDenial.Scope) {
        counter("rate_limit_hits_total", [("tenant", tenantLabel), ("scope", scope.rawValue)]).increment()
    }

    func failed(_ kind: RateLimitFailure.Kind) {
        counter("rate_limit_errors_total", [("kind", kind.rawValue)]).increment()
    }
}
