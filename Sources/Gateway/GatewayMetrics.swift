import CoreMetrics
import HTTPClient
import HTTPServer
import Metrics
import Prometheus
import Synchronization
import Telemetry

/// The gateway's metrics, created once through swift-metrics on a
/// Prometheus registry. Labels are bounded: route templates, status codes,
/// step names and reason codes only.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    private let requests = Mutex<[RouteStatus: CoreMetrics.Counter]>([:])
    private let durations: [String: Metrics.Timer]
    private let graphqlDurations: [String: Metrics.Timer]
    /// By `arm|outcome`: the stable and the canary upstream are timed apart (SPEC §10).
    private let upstreamDurations: [String: Metrics.Timer]
    /// `upstream_requests_total{arm,class}` by `arm|class`.
    private let upstreamRequests: [String: CoreMetrics.Counter]
    private let rejections = Mutex<[String: CoreMetrics.Counter]>([:])
    private let inFlight: CoreMetrics.Gauge
    private let openConnections: CoreMetrics.Gauge
    private let upstreamOpen: CoreMetrics.Gauge
    private let upstreamIdle: CoreMetrics.Gauge
    private let upstreamRetries: CoreMetrics.Gauge
    private let admission: Metrics.Timer
    private let steps = Mutex<[String: Metrics.Timer]>([:])
    private let operations: [String: CoreMetrics.Counter]
    private let parseCacheHits: CoreMetrics.Gauge
    private let parseCacheMisses: CoreMetrics.Gauge
    private let stepEnabled: [(step: String, gauge: CoreMetrics.Gauge)]

    /// Cache key: route index and status packed in one Int (cheap to hash).
    struct RouteStatus: Hashable {
        let key: Int
        init(route: String, status: Int) {
            key = (GatewayMetrics.routes.firstIndex(of: route) ?? GatewayMetrics.routes.count) * 1000 + status
        }
    }

    /// Route templates used as the `route` label.
    static let routes = ["/graphql", "/health", "/health/ready", "/health/budget", "/metrics", "/admin", "other"]

    public init(registry: PrometheusCollectorRegistry, version: String) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Whole-request latency buckets from 0.5 ms to 10 s. The budget path's SLO is 30 ms p95,
        // so 30 ms is a bucket edge: the latency burn-rate rules count requests above it exactly.
        let buckets: [Duration] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(30), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        factory.defaultDurationHistogramBuckets = buckets
        self.factory = factory
        var durations: [String: Metrics.Timer] = [:]
        for route in Self.routes {
            durations[route] = Metrics.Timer(label: "http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
        }
        self.durations = durations
        var upstream: [String: Metrics.Timer] = [:]
        var classes: [String: CoreMetrics.Counter] = [:]
        for arm in ["stable", "canary"] {
            for outcome in ["ok", "error", "timeout"] {
                upstream[arm + "|" + outcome] = Metrics.Timer(
                    label: "upstream_request_duration_seconds", dimensions: [("arm", arm), ("outcome", outcome)], factory: factory)
            }
            for answer in Self.upstreamClasses {
                classes[arm + "|" + answer] = CoreMetrics.Counter(
                    label: "upstream_requests_total", dimensions: [("arm", arm), ("class", answer)], factory: factory)
            }
        }
        self.upstreamDurations = upstream
        self.upstreamRequests = classes
        inFlight = CoreMetrics.Gauge(label: "http_requests_in_flight", factory: factory)
        openConnections = CoreMetrics.Gauge(label: "http_connections_open", factory: factory)
        upstreamOpen = CoreMetrics.Gauge(label: "upstream_connections", dimensions: [("state", "open")], factory: factory)
        upstreamIdle = CoreMetrics.Gauge(label: "upstream_connections", dimensions: [("state", "idle")], factory: factory)
        upstreamRetries = CoreMetrics.Gauge(label: "upstream_retries", factory: factory)
        CoreMetrics.Gauge(label: "safemut_build_info", dimensions: [("version", version)], factory: factory).record(1)
        // The admission chain's own latency (the budget path's SLO is p95 < 30 ms).
        admission = Metrics.Timer(label: "admission_duration_seconds", factory: factory)
        var operations: [String: CoreMetrics.Counter] = [:]
        // Per operation type, the whole request's latency (gate G1: GraphQL p95 and write p95).
        graphqlDurations = Dictionary(uniqueKeysWithValues: ["query", "mutation", "subscription"].map {
            ($0, Metrics.Timer(label: "graphql_request_duration_seconds", dimensions: [("type", $0)], factory: factory))
        })
        for kind in ["query", "mutation", "subscription"] {
            operations[kind] = CoreMetrics.Counter(label: "graphql_operations_total", dimensions: [("type", kind)], factory: factory)
        }
        self.operations = operations
        parseCacheHits = CoreMetrics.Gauge(label: "graphql_parse_cache_hits", factory: factory)
        parseCacheMisses = CoreMetrics.Gauge(label: "graphql_parse_cache_misses", factory: factory)
        stepEnabled = Self.admissionSteps.map { ($0, CoreMetrics.Gauge(label: "admission_step_enabled", dimensions: [("step", $0)], factory: factory)) }
        // The statuses /graphql answers exist at 0 from start-up: the runbooks' error-ratio
        // queries (`rate(http_requests_total{status=~"5.."}[5m])`) return a series, not nothing.
        for status in Self.graphqlStatuses { _ = requestCounter(route: "/graphql", status: status) }
    }

    /// Every status the gateway itself gives /graphql (SPEC §1's codes), plus a plain 200.
    static let graphqlStatuses = [200, 400, 401, 402, 403, 413, 429, 502, 503, 504]

    /// Maps a request path to its bounded route label.
    static func route(for path: String) -> String {
        switch path {
        case "/graphql", "/health", "/health/ready", "/health/budget", "/metrics": return path
        default: return path.hasPrefix("/admin/") ? "/admin" : "other"
        }
    }

    /// One finished request.
    func requestFinished(route: String, status: Int, nanos: UInt64, operationType: String? = nil) {
        requestCounter(route: route, status: status).increment()
        durations[route]?.recordNanoseconds(Int64(clamping: nanos))
        if let operationType { graphqlDurations[operationType]?.recordNanoseconds(Int64(clamping: nanos)) }
    }

    private func requestCounter(route: String, status: Int) -> CoreMetrics.Counter {
        let key = RouteStatus(route: route, status: status)
        return requests.withLock { cache -> CoreMetrics.Counter in
            if let existing = cache[key] { return existing }
            let created = CoreMetrics.Counter(
                label: "http_requests_total", dimensions: [("route", route), ("status", String(status))], factory: factory)
            cache[key] = created
            return created
        }
    }

    /// `upstream_requests_total`'s classes: the answer's status class, or how it failed.
    static let upstreamClasses = ["2xx", "3xx", "4xx", "5xx", "error", "timeout"]

    /// One finished upstream exchange on `arm`: `outcome` is ok, error or timeout; `status`
    /// the answer's (0 when there was none).
    func upstreamFinished(nanos: UInt64, outcome: String, arm: String = "stable", status: Int = 0) {
        upstreamDurations[arm + "|" + outcome]?.recordNanoseconds(Int64(clamping: nanos))
        let answer = outcome == "ok" ? "\(min(5, max(2, status / 100)))xx" : outcome
        upstreamRequests[arm + "|" + answer]?.increment()
    }

    /// One run of the admission chain and, when it got that far, the operation type.
    func admitted(nanos: UInt64, operationType: String?) {
        admission.recordNanoseconds(Int64(clamping: nanos))
        if let operationType { operations[operationType]?.increment() }
    }

    /// One admission step's run: `admission_step_duration_seconds{step}`.
    func stepFinished(_ step: String, _ duration: Duration) {
        let timer = steps.withLock { cache -> Metrics.Timer in
            if let existing = cache[step] { return existing }
            let created = Metrics.Timer(label: "admission_step_duration_seconds", dimensions: [("step", step)], factory: factory)
            cache[step] = created
            return created
        }
        timer.recordNanoseconds(duration.wholeNanoseconds)
    }

    /// The admission chain's steps in SPEC §1's order: `admission_step_enabled{step}`.
    public static let admissionSteps = ["identify", "parse", "persisted", "declare", "four_eyes", "rate", "debit"]

    /// `admission_step_enabled{step}`: 1 when the step is in this replica's chain and on, 0
    /// when it is off or not configured (BudgetEnforcementDown reads the debit step's), so a
    /// replica running without its ledger is visible, not just quieter.
    public func recordSteps(enabled: Set<String>) {
        for (step, gauge) in stepEnabled { gauge.record(enabled.contains(step) ? 1 : 0) }
    }

    /// Parse cache counters, refreshed at scrape time.
    public func recordParseCache(hits: Int, misses: Int) {
        parseCacheHits.record(hits)
        parseCacheMisses.record(misses)
    }

    /// A request refused by an admission step.
    func rejected(step: String, code: String) {
        let key = step + "|" + code
        let counter = rejections.withLock { cache -> CoreMetrics.Counter in
            if let existing = cache[key] { return existing }
            let created = CoreMetrics.Counter(label: "admission_rejections_total", dimensions: [("step", step), ("code", code)], factory: factory)
            cache[key] = created
            return created
        }
        counter.increment()
    }

    /// Point-in-time gauges, refreshed just before each scrape.
    func refreshGauges(server: ServerCounters, upstream: UpstreamPoolCounters) {
        inFlight.record(server.requestsInFlight)
        openConnections.record(server.openConnections)
        upstreamOpen.record(upstream.openConnections)
        upstreamIdle.record(upstream.idleConnections)
        upstreamRetries.record(upstream.retriedRequests)
    }
}
