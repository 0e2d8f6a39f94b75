import Contract
import Admission
import Chaos
import Admin
import Gzip
import HTTP
import HTTPClient
import HTTPServer
import Logging
import Sockets

/// Routes requests: `/graphql` through the admission chain to the upstream,
/// `/health*` and `/metrics` to the admin routes, everything else 404.
final class GatewayHandler: HTTPServerHandler {
    let pools: [ObjectIdentifier: LoopBound<UpstreamPool>]
    let upstream: UpstreamConfiguration
    /// The canary arm's pools and settings (`canary.upstream.url`); nil without one.
    let canaryPools: [ObjectIdentifier: LoopBound<UpstreamPool>]?
    let canaryUpstream: UpstreamConfiguration?
    let pipeline: AdmissionPipeline
    let metrics: GatewayMetrics
    let admin: AdminRoutes
    /// `/admin/*`; nil serves them 404 (a gateway built without the admin API, in tests).
    let adminAPI: AdminAPI?
    /// Injected faults (issue 18): read before each upstream call; empty costs one atomic load.
    let chaos: ChaosSetup?
    let logger: Logger
    let maxInflatedBodyBytes: Int

    init(
        pools: [ObjectIdentifier: LoopBound<UpstreamPool>],
        upstream: UpstreamConfiguration,
        canaryPools: [ObjectIdentifier: LoopBound<UpstreamPool>]? = nil,
        canaryUpstream: UpstreamConfiguration? = nil,
        pipeline: AdmissionPipeline,
        metrics: GatewayMetrics,
        admin: AdminRoutes,
        adminAPI: AdminAPI?,
        chaos: ChaosSetup? = nil,
        logger: Logger,
        maxInflatedBodyBytes: Int
    ) {
        self.chaos = chaos
        self.pools = pools
        self.upstream = upstream
        self.canaryPools = canaryPools
        self.canaryUpstream = canaryUpstream
        self.pipeline = pipeline
        self.metrics = metrics
        self.admin = admin
        self.adminAPI = adminAPI
        self.logger = logger
        self.maxInflatedBodyBytes = maxInflatedBodyBytes
    }

    func handle(_ request: HTTPServerRequest, responder: HTTPResponder) {
        let requestID = RequestIDs.from(request.head.headers)
        switch request.head.path {
        case "/graphql":
            graphQL(request, requestID: requestID, responder: responder)
        case "/health", "/health/ready", "/health/budget", "/metrics":
            guard request.head.method == "GET" || request.head.method == "HEAD" else {
                Self.reject(Rejection(.methodNotAllowed, "use GET"), requestID: requestID, responder: responder, allow: "GET, HEAD")
                return
            }
            admin.serve(request, requestID: requestID, responder: responder)
        case let path where path.hasPrefix("/admin/") && adminAPI != nil:
            adminAPI?.serve(request, requestID: requestID, responder: responder)
        default:
            Self.reject(Rejection(.notFound, "no route for \(request.head.path)"), requestID: requestID, responder: responder)
        }
    }

    private func graphQL(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        let method = request.head.method
        guard method == "POST" || method == "GET" else {
            Self.reject(Rejection(.methodNotAllowed, "GraphQL accepts POST and GET"), requestID: requestID, responder: responder, allow: "GET, POST")
            return
        }
        var body = request.body
        var head = request.head
        if let encoding = head.headers["Content-Encoding"]?.lowercased(), !body.isEmpty {
            guard encoding == "gzip" else {
                Self.reject(Rejection(.badRequest, "unsupported Content-Encoding \(encoding); only gzip"), requestID: requestID, responder: responder)
                return
            }
            do {
                body = try Gzip.inflate(body, maxOutputBytes: maxInflatedBodyBytes)
            } catch let error {
                let rejection: Rejection
                if case .tooLarge = error {
                    rejection = Rejection(.payloadTooLarge, "inflated request body exceeds \(maxInflatedBodyBytes) bytes")
                } else {
                    rejection = Rejection(.badRequest, "request body is not valid gzip: \(error)")
                }
                Self.reject(rejection, requestID: requestID, responder: responder)
                return
            }
            head.headers.remove(name: "Content-Encoding")
        }
        if pipeline.isEmpty {
            forward(head: head, body: body, request: request, requestID: requestID, responder: responder)
            return
        }
        var requestLogger = logger
        requestLogger[metadataKey: "request.id"] = "\(requestID)"
        let context = RequestContext(
            requestID: requestID, head: head, body: body, peer: request.peer, logger: requestLogger, startNanos: request.startNanos)
        // The pipeline runs as a task on this connection's own loop: its
        // awaits resume here, so the responder is used on its thread.
        let bound = LoopBound(responder, loop: request.loop)
        let pipeline = self.pipeline
        Task(executorPreference: request.loop) {
            var context = context
            // While a drill runs, the steps' Postgres and Redis calls carry the request's scope.
            let drilling = self.chaos.map { !$0.book.isEmpty } ?? false
            let verdict = await pipeline.run(&context, scoped: drilling) { step, duration in self.metrics.stepFinished(step, duration) }
            self.metrics.admitted(
                nanos: Syscall.monotonicNanos() &- request.startNanos, operationType: context.operation?.kind.rawValue)
            let responder = bound.value
            responder.tenant = context.tenant
            responder.operationType = context.operation?.kind.rawValue
            responder.accessLogged = context.accessLogged
            switch verdict {
            case .reject(let step, let rejection):
                self.metrics.rejected(step: step, code: rejection.code.rawValue)
                Self.reject(rejection, requestID: requestID, responder: responder)
            case .answer(_, let answer):
                Self.answer(answer, requestID: requestID, responder: responder)
            case .admit:
                responder.arm = context.arm?.rawValue
                var completions = context.takeCompletions()
                var truncate: Fault?
                if drilling, let chaos = self.chaos, let fault = chaos.upstreamFault(context.callScope) {
                    switch fault.kind {
                    case .delay:
                        try? await Task.sleep(for: .milliseconds(fault.delayMillis))
                    case .abort, .error, .timeout:
                        // The upstream is never called: what the steps took is given back.
                        ProxyExchange.finish(completions, .failed(reachedUpstream: false))
                        completions = []
                        Self.reject(
                            Rejection(.upstreamError, "chaos: injected upstream \(fault.kind.rawValue) (fault \(fault.id))", status: fault.status,
                                      details: [("chaosFault", .string(fault.id))]),
                            requestID: requestID, responder: bound.value)
                        return
                    case .reset:
                        ProxyExchange.finish(completions, .failed(reachedUpstream: false))
                        bound.value.abort()
                        return
                    case .truncate:
                        truncate = fault
                    }
                }
                // Settlement runs from the upstream client's callbacks, outside this task: only
                // unscoped Postgres faults reach it (docs/operations.md "Game day").
                self.forward(
                    head: context.head, body: context.body, request: request, requestID: requestID, responder: bound.value,
                    completions: completions, canary: context.arm == .canary, truncate: truncate)
            }
        }
    }

    /// Sends the request upstream and streams the answer back.
    /// `completions` (the admitted steps' post phases) hear how the exchange ended.
    private func forward(
        head: HTTPRequestHead, body: [UInt8], request: HTTPServerRequest, requestID: String, responder: HTTPResponder,
        completions: [any StepCompletion] = [], canary: Bool = false, truncate: Fault? = nil
    ) {
        guard !responder.isClosed else {
            ProxyExchange.finish(completions, .failed(reachedUpstream: false))
            return
        }
        // The canary arm has its own pools; the split only routes there when one is configured.
        let useCanary = canary && canaryPools != nil && canaryUpstream != nil
        let upstream = useCanary ? canaryUpstream ?? self.upstream : self.upstream
        guard let pool = (useCanary ? canaryPools : pools)?[ObjectIdentifier(request.loop)]?.value else {
            ProxyExchange.finish(completions, .failed(reachedUpstream: false))
            Self.reject(Rejection(.upstreamError, "no upstream pool on this loop"), requestID: requestID, responder: responder)
            return
        }
        var outgoing = HTTPRequestHead(
            method: head.method,
            target: upstream.basePath + head.target,
            version: .http1_1,
            headers: head.headers
        )
        HopByHop.strip(&outgoing.headers)
        outgoing.headers.remove(name: "Content-Length")
        outgoing.headers.remove(name: "Expect")
        if let originalHost = head.headers["Host"] {
            outgoing.headers.replaceOrAdd(name: "X-Forwarded-Host", value: originalHost)
        }
        outgoing.headers.replaceOrAdd(name: "Host", value: upstream.hostHeader)
        if let prior = head.headers["X-Forwarded-For"] {
            outgoing.headers.replaceOrAdd(name: "X-Forwarded-For", value: prior + ", " + request.peer)
        } else {
            outgoing.headers.add(name: "X-Forwarded-For", value: request.peer)
        }
        outgoing.headers.replaceOrAdd(name: "X-Forwarded-Proto", value: "http")
        if let via = head.headers["Via"] {
            outgoing.headers.replaceOrAdd(name: "Via", value: via + ", 1.1 safemut")
        } else {
            outgoing.headers.add(name: "Via", value: "1.1 safemut")
        }
        outgoing.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        let keepsBody = completions.contains { $0.needsResponseBody }
        if keepsBody {
            // The ledger reads extensions.cost from the body: ask for it uncompressed.
            outgoing.headers.remove(name: "Accept-Encoding")
        }

        let exchange = ProxyExchange(
            responder: responder, requestID: requestID, metrics: metrics, completions: completions, keepsBody: keepsBody,
            arm: useCanary ? "canary" : "stable", truncatedBy: truncate?.id)
        let upstreamRequest = UpstreamRequest(
            head: outgoing, body: body, idempotent: head.method == "GET" || head.method == "HEAD")
        let upstreamExchange = pool.execute(upstreamRequest, delegate: exchange)
        exchange.upstream = upstreamExchange
        // The exchange must live as long as the client waits for it.
        responder.onClose = { [exchange] in
            exchange.clientClosed()
        }
    }

    /// Answers with a response a step supplied (an idempotent retry's first response).
    static func answer(_ answer: StoredAnswer, requestID: String, responder: HTTPResponder) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Request-Id", value: requestID)
        for (name, value) in answer.headers { headers.add(name: name, value: value) }
        responder.respond(HTTPResponseHead(status: answer.status, headers: headers), body: answer.body)
    }

    /// Answers with a GraphQL-shaped error body.
    static func reject(_ rejection: Rejection, requestID: String, responder: HTTPResponder, allow: String? = nil) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Request-Id", value: requestID)
        if let allow { headers.add(name: "Allow", value: allow) }
        for (name, value) in rejection.headers { headers.add(name: name, value: value) }
        responder.respond(HTTPResponseHead(status: rejection.status, headers: headers), body: rejection.jsonBody)
    }

    func errorResponse(status: Int, message: String) -> (HTTPResponseHead, [UInt8]) {
        let code: Rejection.Code = status == 413 ? .payloadTooLarge : .badRequest
        let rejection = Rejection(code, message, status: status)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "X-Request-Id", value: RequestIDs.from(HTTPHeaders()))
        return (HTTPResponseHead(status: status, headers: headers), rejection.jsonBody)
    }

    func responseCompleted(_ summary: ResponseSummary) {
        let route = GatewayMetrics.route(for: summary.path)
        metrics.requestFinished(route: route, status: summary.status, nanos: summary.durationNanos, operationType: summary.operationType)
        if logger.logLevel <= .info, summary.accessLogged {
            logger.info("request", metadata: [
                "request.id": "\(summary.requestID ?? "-")",
                "tenant": "\(summary.tenant ?? "-")",
                "upstream.arm": "\(summary.arm ?? "stable")",
                "http.method": "\(summary.method)",
                "http.route": "\(route)",
                "http.path": "\(summary.path)",
                "http.status": "\(summary.status)",
                "http.bytes": "\(summary.bodyBytes)",
                "http.duration_ms": "\(Double(summary.durationNanos / 1000) / 1000)",
                "http.completed": "\(summary.completed)",
            ])
        }
    }
}
