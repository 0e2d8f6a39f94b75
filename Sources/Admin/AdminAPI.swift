import Contract
import Admission
import Gzip
import HTTP
import HTTPServer
import Identity
import Logging
import Sockets

/// The `/admin/*` routes: finds the endpoint, establishes who is calling (the same
/// `Authenticator` as `/graphql`, with the loopback-operator fallback SPEC §3 allows only
/// here), checks the role table, then runs the handler as a task on the connection's loop.
///
/// Every call is logged at notice level with the caller and outcome: until the audit log
/// exists this is the operators' trail.
public final class AdminAPI: Sendable {
    private let authenticator: Authenticator
    private let endpoints: [AdminEndpoint]
    private let maxInflatedBodyBytes: Int
    private let logger: Logger

    public init(authenticator: Authenticator, endpoints: [AdminEndpoint], maxInflatedBodyBytes: Int = 4 << 20, logger: Logger) {
        self.authenticator = authenticator
        self.endpoints = endpoints
        self.maxInflatedBodyBytes = maxInflatedBodyBytes
        self.logger = logger
    }

    public func serve(_ request: HTTPServerRequest, requestID: String, responder: HTTPResponder) {
        let head = request.head
        let path = head.path
        let candidates = endpoints.compactMap { endpoint in endpoint.match(path).map { (endpoint, $0) } }
        guard !candidates.isEmpty else {
            return reply(AdminReply(Rejection(.notFound, "no admin route \(path)")), to: request, requestID: requestID, responder: responder)
        }
        let method = head.method == "HEAD" ? "GET" : head.method
        guard let (endpoint, parameters) = candidates.first(where: { $0.0.method == method }) else {
            let allowed = Set(candidates.map(\.0.method)).sorted().joined(separator: ", ")
            let rejection = Rejection(.methodNotAllowed, "\(path) accepts \(allowed)", headers: [("Allow", allowed)])
            return reply(AdminReply(rejection), to: request, requestID: requestID, responder: responder, extraHeaders: rejection.headers)
        }
        // The body is read before the caller is known: whether a credential-less call from
        // loopback may be the operator depends on it (`LoopbackOperatorGuard`). The inflated
        // size is capped, so an anonymous caller costs no more than an authenticated one.
        let body: [UInt8]
        switch inflated(request) {
        case .success(let bytes): body = bytes
        case .failure(let refusal): return reply(refusal, to: request, requestID: requestID, responder: responder)
        }
        let identity: Identity
        let route = IdentifiedRoute.admin(method: method, body: body)
        switch authenticator.identify(headers: head.headers, peerIsLoopback: PeerAddress.isLoopback(request.peer), route: route) {
        case .success(let who):
            identity = who
        case .failure(let error):
            if case .loopbackOperatorRefused = error.reason {
                // A page in a browser on this machine tried to act as the operator, or an
                // operator's tool looks like one: either way someone should see it.
                logger.warning("loopback operator refused", metadata: [
                    "request.id": "\(requestID)",
                    "admin.route": "\(endpoint.method) \(endpoint.template)",
                    "admin.refusal": "\(error.message)",
                ])
            }
            let code: Rejection.Code = error.code == .forbidden ? .forbidden : .unauthenticated
            let headers: [(String, String)] = code == .unauthenticated ? [("WWW-Authenticate", "Bearer")] : []
            return reply(AdminReply(Rejection(code, error.message)), to: request, requestID: requestID, responder: responder, extraHeaders: headers)
        }
        switch AdminAccess.authorize(identity, method: method, routeTemplate: endpoint.template) {
        case .allowed:
            break
        case .unauthenticated:
            return reply(AdminReply(Rejection(.unauthenticated, "authentication required")), to: request, requestID: requestID,
                         responder: responder, extraHeaders: [("WWW-Authenticate", "Bearer")])
        case .forbidden(let reason):
            logger.notice("admin call refused", metadata: metadata(identity, endpoint, requestID, status: 403))
            return reply(AdminReply(Rejection(.forbidden, reason)), to: request, requestID: requestID, responder: responder)
        }
        guard let query = AdminQuery.parse(head.query) else {
            return reply(.badRequest("the query string has a broken percent escape"), to: request, requestID: requestID, responder: responder)
        }
        let call = AdminCall(
            method: method, path: path, parameters: parameters, query: query, body: body,
            headers: head.headers.map { ($0.name, $0.value) }, identity: identity, requestID: requestID)
        let bound = LoopBound(responder, loop: request.loop)
        Task(executorPreference: request.loop) {
            let answer = await endpoint.handle(call)
            self.logger.notice("admin call", metadata: self.metadata(identity, endpoint, requestID, status: answer.status))
            self.reply(answer, to: request, requestID: requestID, responder: bound.value)
        }
    }

    private func inflated(_ request: HTTPServerRequest) -> Result<[UInt8], AdminReply> {
        guard let encoding = request.head.headers["Content-Encoding"]?.lowercased(), !request.body.isEmpty else {
            return .success(request.body)
        }
        guard encoding == "gzip" else { return .failure(.badRequest("unsupported Content-Encoding \(encoding); only gzip")) }
        do {
            return .success(try Gzip.inflate(request.body, maxOutputBytes: maxInflatedBodyBytes))
        } catch {
            if case .tooLarge = error {
                return .failure(AdminReply(Rejection(.payloadTooLarge, "inflated body exceeds \(maxInflatedBodyBytes) bytes")))
            }
            return .failure(.badRequest("the body is not valid gzip: \(error)"))
        }
    }

    private func metadata(_ identity: Identity, _ endpoint: AdminEndpoint, _ requestID: String, status: Int) -> Logger.Metadata {
        [
            "request.id": "\(requestID)",
            "admin.user": "\(identity.subject)",
            "admin.source": "\(identity.source.rawValue)",
            "admin.route": "\(endpoint.method) \(endpoint.template)",
            "http.status": "\(status)",
        ]
    }

    private func reply(
        _ reply: AdminReply, to request: HTTPServerRequest, requestID: String, responder: HTTPResponder, extraHeaders: [(String, String)] = []
    ) {
        AdminJSON.respond(
            reply.body, status: reply.status, requestID: requestID, request: request, responder: responder,
            extraHeaders: extraHeaders + reply.headers + [("Vary", "Accept-Encoding")], contentType: reply.contentType)
    }
}
