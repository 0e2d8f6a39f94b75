import Admission
import Gzip
import HTTP
import HTTPClient
import HTTPServer
import Prometheus
import Sockets

/// `/health`, `/health/ready` and `/metrics`. Later issues add `/admin/*`.
public final class AdminRoutes: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let refreshGauges: @Sendable () -> Void
    private let pools: [ObjectIdentifier: LoopBound<UpstreamPool>]
    private let version: String

    public init(
        registry: PrometheusCollectorRegistry,
        pools: [ObjectIdentifier: LoopBound<UpstreamPool>],
        version: String,
        refreshGauges: @escaping @Sendable () -> Void
    ) {
        self.registry = registry
        self.pools = pools
        self.version = version
        self.refreshGauges = refreshGauges
    }

    /// Serves one of the routes above (the caller checked the method).
    public func serve(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        switch request.head.path {
        case "/health":
            respondJSON(#"{"status":"ok","version":"\#(version)"}"#, status: 200, requestID: requestID, request: request, responder: responder)
        case "/health/ready":
            ready(request, requestID: requestID, responder: responder)
        default:
            metrics(request, requestID: requestID, responder: responder)
        }
    }

    /// Readiness: the upstream answers `GET /health` through the pool.
    private func ready(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        guard let pool = pools[ObjectIdentifier(request.loop)]?.value else {
            respondJSON(#"{"status":"down","checks":{"upstream":{"status":"down"}}}"#, status: 503, requestID: requestID, request: request, responder: responder)
            return
        }
        let probe = ReadinessProbe { [self] status, error, nanos in
            let upOK = status.map { (200..<300).contains($0) } ?? false
            let latency = String(Double(nanos / 1000) / 1000)
            var upstream = #"{"status":"\#(upOK ? "up" : "down")","latency_ms":\#(latency)"#
            if let status { upstream += #","http_status":\#(status)"# }
            if let error { upstream += #","error":"# + JSONText.quote(error) }
            upstream += "}"
            let body = #"{"status":"\#(upOK ? "ready" : "not_ready")","checks":{"upstream":\#(upstream)}}"#
            self.respondJSON(body, status: upOK ? 200 : 503, requestID: requestID, request: request, responder: responder)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: pool.configuration.hostHeader)
        headers.add(name: "X-Request-Id", value: requestID)
        let exchange = pool.execute(
            UpstreamRequest(head: HTTPRequestHead(method: "GET", target: pool.configuration.basePath + "/health", headers: headers), body: [], idempotent: true),
            delegate: probe)
        probe.exchange = exchange
        responder.onClose = { [probe] in probe.exchange?.cancel() }
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
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Request-Id", value: requestID)
        headers.add(name: "Cache-Control", value: "no-store")
        var body = Array(json.utf8)
        if AcceptEncoding.allowsGzip(request.head.headers["Accept-Encoding"]), body.count > 512, let compressed = try? Gzip.deflate(body) {
            body = compressed
            headers.add(name: "Content-Encoding", value: "gzip")
        }
        responder.respond(HTTPResponseHead(status: status, headers: headers), body: body)
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
