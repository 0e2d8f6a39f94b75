import Contract
import Admission
import Gzip
import HTTP
import HTTPClient
import HTTPServer
import Kit
import Prometheus
import Sockets

/// `/health`, `/health/ready`, `/health/budget` and `/metrics` (the `/admin/*` routes are `AdminAPI`).
public final class AdminRoutes: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let refreshGauges: @Sendable () -> Void
    private let pools: [ObjectIdentifier: LoopBound<UpstreamPool>]
    /// The canary arm's pools (`canary.upstream.url`): probed and reported as
    /// `canary_upstream`, but a canary that is down does not make the replica unready
    /// (stable serves, and the cutover's judge deals with the canary).
    private let canaryPools: [ObjectIdentifier: LoopBound<UpstreamPool>]?
    private let version: String
    private let checkDependencies: @Sendable () async -> [DependencyCheck]
    private let checkBudget: @Sendable () async -> (status: Int, json: JSONValue)
    /// Injected faults in force (issue 18), shown in readiness so a drill is not taken for an outage.
    private let chaosSummary: @Sendable () -> JSONValue?

    /// `checkDependencies` pings Postgres and Redis when they are configured
    /// (an empty list when they are not).
    public init(
        registry: PrometheusCollectorRegistry,
        pools: [ObjectIdentifier: LoopBound<UpstreamPool>],
        canaryPools: [ObjectIdentifier: LoopBound<UpstreamPool>]? = nil,
        version: String,
        checkDependencies: @escaping @Sendable () async -> [DependencyCheck] = { [] },
        checkBudget: @escaping @Sendable () async -> (status: Int, json: JSONValue) = AdminRoutes.budgetNotConfigured,
        chaosSummary: @escaping @Sendable () -> JSONValue? = { nil },
        refreshGauges: @escaping @Sendable () -> Void
    ) {
        self.chaosSummary = chaosSummary
        self.registry = registry
        self.pools = pools
        self.canaryPools = canaryPools
        self.version = version
        self.checkDependencies = checkDependencies
        self.checkBudget = checkBudget
        self.refreshGauges = refreshGauges
    }

    /// `/health/budget` of a gateway without a ledger.
    public static let budgetNotConfigured: @Sendable () async -> (status: Int, json: JSONValue) = {
        (503, .members(["status": .string("down"), "reason": .string("the budget ledger is not configured (database.url)")]))
    }

    /// Serves one of the routes above (the caller checked the method).
    public func serve(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        switch request.head.path {
        case "/health":
            respondJSON(#"{"status":"ok","version":"\#(version)"}"#, status: 200, requestID: requestID, request: request, responder: responder)
        case "/health/ready":
            ready(request, requestID: requestID, responder: responder)
        case "/health/budget":
            let bound = LoopBound(responder, loop: request.loop)
            let checkBudget = self.checkBudget
            Task(executorPreference: request.loop) {
                let (status, json) = await checkBudget()
                self.respondJSON(json.serialized, status: status, requestID: requestID, request: request, responder: bound.value)
            }
        default:
            metrics(request, requestID: requestID, responder: responder)
        }
    }

    /// Readiness: the upstream answers `GET /health` through the pool, and
    /// each configured dependency (Postgres, Redis) answers its ping. The
    /// probes run at once, as a task on the connection's loop.
    private func ready(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        let bound = LoopBound(responder, loop: request.loop)
        let checkDependencies = self.checkDependencies
        Task(executorPreference: request.loop) {
            async let dependencies = checkDependencies()
            let upstream = await self.probeUpstream(self.pools, name: "upstream", loop: request.loop, requestID: requestID)
            var checks = [upstream] + (await dependencies)
            let ready = checks.allSatisfy(\.up)
            if let canaryPools = self.canaryPools {
                checks.append(await self.probeUpstream(canaryPools, name: "canary_upstream", loop: request.loop, requestID: requestID))
            }
            let members = checks.map { JSONText.quoted($0.name) + ":" + $0.json }.joined(separator: ",")
            let chaos = self.chaosSummary().map { #","chaos":"# + $0.serialized } ?? ""
            let body = #"{"status":"\#(ready ? "ready" : "not_ready")","checks":{\#(members)}\#(chaos)}"#
            self.respondJSON(body, status: ready ? 200 : 503, requestID: requestID, request: request, responder: bound.value)
        }
    }

    /// `GET /health` to an upstream arm through this loop's pool of `pools`.
    private func probeUpstream(
        _ pools: [ObjectIdentifier: LoopBound<UpstreamPool>], name: String, loop: EventLoop, requestID: String
    ) async -> DependencyCheck {
        guard let pool = pools[ObjectIdentifier(loop)]?.value else {
            return DependencyCheck(name: name, up: false, latencyMicros: 0, error: "no upstream pool on this loop")
        }
        return await withCheckedContinuation { continuation in
            let probe = ReadinessProbe { status, error, nanos in
                let up = status.map { (200..<300).contains($0) } ?? false
                let why = error ?? (up ? nil : "upstream answered \(status ?? 0)")
                continuation.resume(returning: DependencyCheck(name: name, up: up, latencyMicros: Int64(nanos / 1000), error: why))
            }
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: pool.configuration.hostHeader)
            headers.add(name: "X-Request-Id", value: requestID)
            let target = pool.configuration.basePath + "/health"
            probe.exchange = pool.execute(
                UpstreamRequest(head: HTTPRequestHead(method: "GET", target: target, headers: headers), body: [], idempotent: true),
                delegate: probe)
        }
    }

    /// Prometheus text exposition, gzip-compressed when the client accepts it.
    private func metrics(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        refreshGauges()
        var body = registry.emitToBuffer()
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        headers.add(name: "X-Request-Id", value: requestID)
        headers.add(name: "Vary", value: "Accept-Encoding")
        if AcceptEncoding.allowsGzip(request.head.headers["Accept-Encoding"]), let compressed = try? Gzip.deflate(body) {
            body = compressed
            headers.add(name: "Content-Encoding", value: "gzip")
        }
        responder.respond(HTTPResponseHead(status: 200, headers: headers), body: body)
    }

    func respondJSON(_ json: String, status: Int, requestID: String, request: HTTPServerRequest, responder: HTTPResponder) {
        AdminJSON.respond(Array(json.utf8), status: status, requestID: requestID, request: request, responder: responder)
    }
}

/// Collects the upstream's answer to a readiness probe (body discarded).
final class ReadinessProbe: UpstreamResponseDelegate {
    private let start = Syscall.monotonicNanos()
    private var status: Int?
    private let done: (Int?, String?, UInt64) -> Void
    var exchange: UpstreamExchange?

    init(done: @escaping (Int?, String?, UInt64) -> Void) {
        self.done = done
    }

    func upstreamHead(_ head: HTTPResponseHead) { status = head.status }
    func upstreamBody(_ bytes: [UInt8]) {}
    func upstreamEnd() {
        done(status, nil, Syscall.monotonicNanos() &- start)
        exchange = nil
    }
    func upstreamFailed(_ error: UpstreamError, responseStarted: Bool) {
        done(nil, error.description, Syscall.monotonicNanos() &- start)
        exchange = nil
    }
}

/// JSON answers of the health and admin routes: no caching, gzip above 512 bytes when the
/// client accepts it.
enum AdminJSON {
    static func respond(
        _ json: [UInt8], status: Int, requestID: String, request: HTTPServerRequest, responder: HTTPResponder,
        extraHeaders: [(String, String)] = [], contentType: String = "application/json"
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "X-Request-Id", value: requestID)
        if !extraHeaders.contains(where: { $0.0.lowercased() == "cache-control" }) {
            headers.add(name: "Cache-Control", value: "no-store")
        }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        var body = json
        if AcceptEncoding.allowsGzip(request.head.headers["Accept-Encoding"]), body.count > 512, let compressed = try? Gzip.deflate(body) {
            body = compressed
            headers.add(name: "Content-Encoding", value: "gzip")
        }
        responder.respond(HTTPResponseHead(status: status, headers: headers), body: body)
    }
}

/// `Accept-Encoding` negotiation, just enough for gzip (q=0 refuses it).
enum AcceptEncoding {
    static func allowsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { String($0.filter { $0 != " " && $0 != "\t" }).lowercased() }
            guard let coding = pieces.first, coding == "gzip" || coding == "*" else { continue }
            let refused = pieces.dropFirst().contains { ["q=0", "q=0.0", "q=0.00", "q=0.000"].contains($0) }
            return !refused
        }
        return false
    }
}
