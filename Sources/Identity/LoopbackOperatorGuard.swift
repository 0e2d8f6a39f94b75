import HTTP
import Kit

/// Decides whether a credential-less admin call from a loopback peer may act as
/// `local-operator` (`admin.loopback_operator`).
///
/// A loopback peer alone proves little: a browser on the machine opens loopback connections
/// for any page it shows. A cross-site form or a `fetch(…, {mode: "no-cors"})` reaches the
/// port (CSRF), and a page whose DNS name was re-pointed at 127.0.0.1 may even read the
/// answers (DNS rebinding). Browsers mark such requests, curl does not, so the call must:
///
/// - name `localhost` or a loopback address in `Host` (a rebound page sends its own name);
/// - carry no `Origin`, or one listed in `allowedOrigins`; never `Origin: null`;
/// - carry no `Sec-Fetch-Site`, or `none` / `same-origin`, unless it carries an allowed
///   `Origin` (whose pages' fetches are always `same-site` or `cross-site`);
/// - on a state-changing method, not send a browser-form body type (`text/plain`,
///   `application/x-www-form-urlencoded`, `multipart/form-data`) with an `Origin`, and send
///   one without an `Origin` only when the body is a JSON object: `curl -d` labels its JSON
///   `application/x-www-form-urlencoded`, and the runbooks' curls must keep working.
///
/// Every method gets the `Host`, `Origin` and `Sec-Fetch-Site` checks: a cross-site GET is
/// harmless (the page cannot read the answer) except under DNS rebinding, where it can. A
/// rebound page's own fetches are `same-origin` and carry no `Origin` on GET, so the `Host`
/// check is the one that stops it.
/// A pure function of its inputs; `Authenticator` calls it, tests feed it literal headers.
public struct LoopbackOperatorGuard: Sendable, Equatable {
    /// Origins (`scheme://host[:port]`, lowercased) whose pages may act as the operator.
    public let allowedOrigins: Set<String>

    /// The body types an HTML form or a no-cors `fetch` may send without a CORS preflight
    /// (the Fetch standard's CORS-safelisted `Content-Type` values).
    static let browserFormTypes: Set<String> = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]

    /// Methods that only read; every other method may change state.
    static let readOnlyMethods: Set<String> = ["GET", "HEAD", "OPTIONS"]

    /// A guard accepting `allowedOrigins` (compared without case), as validated by
    /// `IdentityConfiguration.validate()`.
    public init(allowedOrigins: some Sequence<String> = []) {
        self.allowedOrigins = Set(allowedOrigins.map { $0.lowercased() })
    }

    /// Whether a call with `method`, `headers` and the (inflated) `body` may be the operator.
    public func check(method: String, headers: HTTPHeaders, body: [UInt8]) -> LoopbackDecision {
        let hosts = headers.values(for: "Host")
        guard hosts.count <= 1 else { return .refuse(.repeatedHeader("Host")) }
        guard let host = hosts.first.map({ $0.trimmingCharacters(in: " \t") }), !host.isEmpty else {
            return .refuse(.missingHost)
        }
        guard LoopbackHost.isLoopback(host) else { return .refuse(.hostNotLoopback(host)) }

        let origins = headers.values(for: "Origin")
        guard origins.count <= 1 else { return .refuse(.repeatedHeader("Origin")) }
        let origin = origins.first.map { $0.trimmingCharacters(in: " \t") }
        // The gateway's own pages (the web UI, /admin/ui/) are the Host's origin: a page of
        // another site cannot send it, and the Host is loopback (checked above).
        let ownOrigin = origin.map { ["http://", "https://"].map { $0 + host.lowercased() }.contains($0.lowercased()) } ?? false
        if let origin {
            if origin.lowercased() == "null" { return .refuse(.nullOrigin) }
            guard ownOrigin || allowedOrigins.contains(origin.lowercased()) else { return .refuse(.originNotAllowed(origin)) }
        }

        let sites = headers.values(for: "Sec-Fetch-Site")
        guard sites.count <= 1 else { return .refuse(.repeatedHeader("Sec-Fetch-Site")) }
        // An allowed Origin already names the page; its fetches are `same-site` or
        // `cross-site` by nature (another port of localhost is `same-site`), so refusing
        // those would make the setting useless.
        if origin == nil || ownOrigin, let site = sites.first.map({ $0.trimmingCharacters(in: " \t") }) {
            // Unknown values are refused too: a future browser value is not known to be safe.
            guard ["none", "same-origin"].contains(site.lowercased()) else { return .refuse(.fetchSite(site)) }
        }

        guard !Self.readOnlyMethods.contains(method.uppercased()) else { return .allow }
        // Any form-typed value counts, so a second Content-Type cannot hide the first.
        guard let formType = headers.values(for: "Content-Type").lazy.map(Self.mediaType).first(where: Self.browserFormTypes.contains)
        else { return .allow }
        if let origin { return .refuse(.formContentWithOrigin(contentType: formType, origin: origin)) }
        return Self.isJSONObject(body) ? .allow : .refuse(.formContentNotJSON(contentType: formType))
    }

    /// Why `origin` can never equal a browser's `Origin` header, or nil when it can. A
    /// browser sends `scheme://host[:port]`: no path, no trailing slash, no user info.
    public static func originProblem(_ origin: String) -> String? {
        let lowered = origin.lowercased()
        guard let scheme = ["http://", "https://"].first(where: lowered.hasPrefix) else {
            return "an origin is http:// or https:// followed by host[:port]"
        }
        let authority = lowered.dropFirst(scheme.count)
        guard !authority.isEmpty else { return "names no host" }
        guard !authority.contains(where: { "/?#@ \t".contains($0) }) else {
            return "an origin has no path, query, user or spaces (write scheme://host[:port])"
        }
        return nil
    }

    /// `text/plain;charset=UTF-8` → `text/plain`.
    static func mediaType(_ value: String) -> String {
        let essence = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return essence.trimmingCharacters(in: " \t").lowercased()
    }

    /// Whether `body` is one JSON object, the shape every admin route with a body reads.
    /// The depth limit only has to fit admin bodies (a persisted-query manifest is 3 deep).
    static func isJSONObject(_ body: [UInt8]) -> Bool {
        guard let value = try? JSONValue.parse(body, maxNesting: 64) else { return false }
        return value.objectMembers != nil
    }
}
