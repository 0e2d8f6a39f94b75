import Contract
import Identity
import Kit

/// The admin web UI at `/admin/ui/` (issue 19, SPEC §14): server-rendered pages over the same
/// admin API, for the FinOps and SRE people who would otherwise use curl.
///
/// A page reads through the API's own handlers, as the person looking at it: every inner
/// call is checked against the one role table (`AdminAccess`), so the UI can show or do
/// nothing its viewer could not do with curl. A state change is `POST
/// /admin/ui/actions/{action}` from the page's script, with the page's CSRF token, from this
/// origin only; it becomes one API call and answers `{"ok","message"}`.
public struct AdminUI: Sendable {
    let api: [AdminEndpoint]
    let csrf: CSRFToken

    /// `api`: every `/admin/*` endpoint the gateway serves (the UI's own are added to them).
    public init(api: [AdminEndpoint], csrf: CSRFToken) {
        self.api = api
        self.csrf = csrf
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/ui") { _ in Self.redirect("/admin/ui/") },
            AdminEndpoint("GET", "/admin/ui/") { call in await self.overview(call) },
            AdminEndpoint("GET", "/admin/ui/overrides") { call in await self.overrides(call) },
            AdminEndpoint("GET", "/admin/ui/approvals") { call in await self.approvals(call) },
            AdminEndpoint("GET", "/admin/ui/canary") { call in await self.canary(call) },
            AdminEndpoint("GET", "/admin/ui/release") { call in await self.release(call) },
            AdminEndpoint("GET", "/admin/ui/chaos") { call in await self.chaos(call) },
            AdminEndpoint("GET", "/admin/ui/audit") { call in await self.audit(call) },
            AdminEndpoint("GET", "/admin/ui/help") { call in self.help(call) },
            AdminEndpoint("GET", "/admin/ui/assets/{name}") { call in Self.asset(call.parameters["name"] ?? "") },
            AdminEndpoint("POST", "/admin/ui/actions/{action}") { call in await self.act(call) },
        ]
    }

    func token(_ call: AdminCall) -> String {
        csrf.issue(subject: call.identity.subject, roles: call.identity.roles.sorted())
    }

    /// One API call as the UI's viewer: the role table decides, then the API's own handler.
    func inner(_ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil, as outer: AdminCall) async -> AdminReply {
        guard let (endpoint, parameters) = api.lazy.compactMap({ endpoint in
            endpoint.method == method ? endpoint.match(path).map { (endpoint, $0) } : nil
        }).first else {
            return .notFound("this gateway serves no \(method) \(path)")
        }
        switch AdminAccess.authorize(outer.identity, method: method, routeTemplate: endpoint.template) {
        case .allowed:
            break
        case .unauthenticated:
            return AdminReply(Rejection(.unauthenticated, "authentication required"))
        case .forbidden(let reason):
            return AdminReply(Rejection(.forbidden, reason))
        }
        let call = AdminCall(
            method: method, path: path, parameters: parameters, query: query, body: body.map { Array($0.serialized.utf8) } ?? [],
            headers: outer.headers, identity: outer.identity, requestID: outer.requestID)
        return await endpoint.handle(call)
    }

    /// The list under `key` of an API read, or the page that says why it could not be read.
    func readList(_ title: String, page: String, _ path: String, key: String, query: [String: String] = [:], as call: AdminCall) async
        -> Result<[JSONValue], AdminReply>
    {
        let reply = await inner("GET", path, query: query, as: call)
        guard reply.status == 200, let list = reply.json?[key]?.arrayValue else {
            return .failure(UIPage.problem(title, path: page, identity: call.identity, csrf: token(call), reply))
        }
        return .success(list)
    }

    static func redirect(_ location: String) -> AdminReply {
        AdminReply(status: 308, contentType: "text/plain; charset=utf-8", body: Array("see \(location)\n".utf8), headers: [("Location", location)])
    }

    /// An embedded asset by its exact hashed name; immutable (a new build renames it).
    static func asset(_ name: String) -> AdminReply {
        guard let asset = UIAssets.byName[name] else { return .notFound("no UI asset \(name)") }
        return AdminReply(
            status: 200, contentType: asset.contentType, body: asset.bytes,
            headers: UIPage.securityHeaders + [("Cache-Control", "public, max-age=31536000, immutable"), ("ETag", "\"\(asset.sha256)\"")])
    }
}
