import HTTP
import Identity
import Testing

/// Issue 13 item 9: each way a web page in a browser on the machine could act as
/// `local-operator`, and each curl of the runbooks that must keep working, fed to the guard
/// as literal headers.
@Suite("loopback operator guard (CSRF, DNS rebinding)")
struct LoopbackOperatorGuardTests {
    private let guardian = LoopbackOperatorGuard()
    private static let json = Array(#"{"tenant_id":"demo","budget_multiplier":1.2,"note":"x","expires_hours":4}"#.utf8)

    private func check(
        _ method: String = "POST", _ headers: [(String, String)], body: [UInt8] = json,
        guard theGuard: LoopbackOperatorGuard? = nil
    ) -> LoopbackDecision {
        (theGuard ?? guardian).check(method: method, headers: HTTPHeaders(headers), body: body)
    }

    // MARK: - the reported attack, and curl

    @Test("the reported attack: POST with Origin evil.example, text/plain, Sec-Fetch-Site cross-site is refused")
    func reportedAttack() {
        let decision = check("POST", [
            ("Host", "127.0.0.1:4000"), ("Origin", "http://evil.example"),
            ("Content-Type", "text/plain;charset=UTF-8"), ("Sec-Fetch-Site", "cross-site"),
        ])
        #expect(decision == .refuse(.originNotAllowed("http://evil.example")))
        guard case .refuse(let refusal) = decision else { return }
        #expect(refusal.message == "loopback operator refused: Origin http://evil.example is not an allowed loopback origin")
    }

    @Test("curl -d (application/x-www-form-urlencoded, a JSON body, no Origin) is accepted")
    func curlDataIsAccepted() {
        #expect(check("POST", [("Host", "127.0.0.1:4000"), ("Content-Type", "application/x-www-form-urlencoded")]) == .allow)
        #expect(check("PUT", [("Host", "localhost:4000"), ("Content-Type", "application/x-www-form-urlencoded")]) == .allow)
    }

    @Test("curl -H 'Content-Type: application/json', curl -X DELETE and curl -s GET are accepted")
    func otherCurlsAreAccepted() {
        #expect(check("POST", [("Host", "127.0.0.1:4000"), ("Content-Type", "application/json")]) == .allow)
        #expect(check("DELETE", [("Host", "127.0.0.1:4000")], body: []) == .allow)
        #expect(check("POST", [("Host", "127.0.0.1:4000")], body: []) == .allow)
        #expect(check("GET", [("Host", "127.0.0.1:4000"), ("Accept", "*/*")], body: []) == .allow)
    }

    // MARK: - Origin

    @Test("a cross-site Origin is refused on a POST and on a GET")
    func crossSiteOrigin() {
        let headers = [("Host", "127.0.0.1:4000"), ("Origin", "http://evil.example"), ("Content-Type", "application/json")]
        #expect(check("POST", headers) == .refuse(.originNotAllowed("http://evil.example")))
        #expect(check("GET", headers, body: []) == .refuse(.originNotAllowed("http://evil.example")))
    }

    @Test("the gateway's own page (the web UI: Origin = the loopback Host, same-origin, JSON) is accepted; with a form type or cross-site it is not")
    func ownOriginIsTheWebUI() {
        let own = [("Host", "127.0.0.1:4000"), ("Origin", "http://127.0.0.1:4000"), ("Sec-Fetch-Site", "same-origin"), ("Content-Type", "application/json")]
        #expect(check("POST", own) == .allow)
        #expect(check("POST", own.map { $0.0 == "Sec-Fetch-Site" ? ($0.0, "cross-site") : $0 }) == .refuse(.fetchSite("cross-site")))
        #expect(check("POST", own.map { $0.0 == "Content-Type" ? ($0.0, "text/plain") : $0 })
            == .refuse(.formContentWithOrigin(contentType: "text/plain", origin: "http://127.0.0.1:4000")))
        // A rebound name is not loopback: refused before the Origin is looked at.
        #expect(check("POST", [("Host", "evil.example:4000"), ("Origin", "http://evil.example:4000"), ("Content-Type", "application/json")])
            == .refuse(.hostNotLoopback("evil.example:4000")))
    }

    @Test("another local web app's Origin (same site, other port) is refused")
    func otherLocalOrigin() {
        let headers = [("Host", "localhost:4000"), ("Origin", "http://localhost:3000"), ("Content-Type", "application/json")]
        #expect(check("POST", headers) == .refuse(.originNotAllowed("http://localhost:3000")))
    }

    @Test("Origin: null (sandboxed frame, data: page) is refused")
    func nullOrigin() {
        #expect(check("POST", [("Host", "127.0.0.1:4000"), ("Origin", "null"), ("Content-Type", "application/json")]) == .refuse(.nullOrigin))
    }

    @Test("Origin sent twice is refused")
    func repeatedOrigin() {
        let headers = [("Host", "127.0.0.1:4000"), ("Origin", "http://localhost:3000"), ("Origin", "http://localhost:3000")]
        let configured = LoopbackOperatorGuard(allowedOrigins: ["http://localhost:3000"])
        #expect(check("GET", headers, body: [], guard: configured) == .refuse(.repeatedHeader("Origin")))
    }

    @Test("a configured origin is accepted, compared without case")
    func configuredOrigin() {
        let configured = LoopbackOperatorGuard(allowedOrigins: ["http://LOCALHOST:3000"])
        let headers = [("Host", "localhost:4000"), ("Origin", "http://localhost:3000"), ("Content-Type", "application/json")]
        #expect(check("POST", headers, guard: configured) == .allow)
        #expect(check("GET", [("Host", "localhost:4000"), ("Origin", "http://Localhost:3000")], body: [], guard: configured) == .allow)
        #expect(check("GET", [("Host", "localhost:4000"), ("Origin", "http://localhost:3001")], body: [], guard: configured)
            == .refuse(.originNotAllowed("http://localhost:3001")))
    }

    // MARK: - Sec-Fetch-Site

    @Test("Sec-Fetch-Site cross-site is refused")
    func fetchSiteCrossSite() {
        #expect(check("POST", [("Host", "127.0.0.1:4000"), ("Sec-Fetch-Site", "cross-site")]) == .refuse(.fetchSite("cross-site")))
    }

    @Test("Sec-Fetch-Site same-site (another port or subdomain) is refused")
    func fetchSiteSameSite() {
        #expect(check("GET", [("Host", "127.0.0.1:4000"), ("Sec-Fetch-Site", "same-site")], body: []) == .refuse(.fetchSite("same-site")))
    }

    @Test("Sec-Fetch-Site none (typed in the address bar) and same-origin are accepted", arguments: ["none", "same-origin", "Same-Origin"])
    func fetchSiteAccepted(value: String) {
        #expect(check("GET", [("Host", "127.0.0.1:4000"), ("Sec-Fetch-Site", value)], body: []) == .allow)
    }

    @Test("Sec-Fetch-Site same-site or cross-site from a configured origin is accepted (that page's fetches always say so)")
    func fetchSiteFromConfiguredOrigin() {
        let configured = LoopbackOperatorGuard(allowedOrigins: ["http://localhost:3000", "https://ops.example"])
        let local = [("Host", "localhost:4000"), ("Origin", "http://localhost:3000"), ("Sec-Fetch-Site", "same-site"), ("Content-Type", "application/json")]
        #expect(check("POST", local, guard: configured) == .allow)
        let remote = [("Host", "localhost:4000"), ("Origin", "https://ops.example"), ("Sec-Fetch-Site", "cross-site")]
        #expect(check("GET", remote, body: [], guard: configured) == .allow)
    }

    @Test("an unknown Sec-Fetch-Site value is refused")
    func fetchSiteUnknown() {
        #expect(check("GET", [("Host", "127.0.0.1:4000"), ("Sec-Fetch-Site", "other")], body: []) == .refuse(.fetchSite("other")))
    }

    // MARK: - Host (DNS rebinding)

    @Test("a rebinding Host evil.example:4000 is refused, on GET and POST")
    func rebindingHost() {
        #expect(check("GET", [("Host", "evil.example:4000")], body: []) == .refuse(.hostNotLoopback("evil.example:4000")))
        #expect(check("POST", [("Host", "evil.example:4000"), ("Content-Type", "application/json")])
            == .refuse(.hostNotLoopback("evil.example:4000")))
    }

    @Test("names that only look local are refused", arguments: [
        "127.0.0.1.evil.example", "localhost.evil.example", "app.localhost", "localhost.", "127.1", "0x7f.0.0.1",
        "127.0.0.01", "0.0.0.0:4000", "10.0.0.1", "[::2]:4000", "[::1", "[::1]x", "localhost:40a0", "localhost:123456",
    ])
    func lookalikeHosts(host: String) {
        #expect(check("GET", [("Host", host)], body: []) == .refuse(.hostNotLoopback(host)))
    }

    @Test("loopback names and addresses are accepted", arguments: [
        "127.0.0.1:4000", "localhost:4000", "[::1]:4000", "127.0.0.2", "127.255.255.254:1", "LocalHost", "[::1]",
        "[0:0:0:0:0:0:0:1]:4000", "[::ffff:127.0.0.1]:4000", "localhost:",
    ])
    func loopbackHosts(host: String) {
        #expect(check("POST", [("Host", host), ("Content-Type", "application/json")]) == .allow)
    }

    @Test("a missing or empty Host is refused (HTTP/1.0; HTTP/1.1 without Host is a 400 in the decoder)")
    func missingHost() {
        #expect(check("GET", [], body: []) == .refuse(.missingHost))
        #expect(check("GET", [("Host", "")], body: []) == .refuse(.missingHost))
    }

    @Test("Host sent twice is refused")
    func repeatedHost() {
        #expect(check("GET", [("Host", "localhost"), ("Host", "evil.example")], body: []) == .refuse(.repeatedHeader("Host")))
    }

    // MARK: - browser-form body types

    @Test("form body types with an (allowed) Origin are refused on every state-changing method", arguments: [
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
    ], ["POST", "PUT", "PATCH", "DELETE"])
    func formTypeWithOrigin(contentType: String, method: String) {
        let configured = LoopbackOperatorGuard(allowedOrigins: ["http://localhost:3000"])
        let headers = [("Host", "localhost:4000"), ("Origin", "http://localhost:3000"), ("Content-Type", contentType + "; charset=UTF-8")]
        #expect(check(method, headers, guard: configured)
            == .refuse(.formContentWithOrigin(contentType: contentType, origin: "http://localhost:3000")))
    }

    @Test("form body types without Origin are accepted only when the body is a JSON object", arguments: [
        "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    ])
    func formTypeWithoutOrigin(contentType: String) {
        let headers = [("Host", "127.0.0.1:4000"), ("Content-Type", contentType)]
        let essence = String(contentType.prefix { $0 != ";" })
        #expect(check("POST", headers) == .allow)
        #expect(check("POST", headers, body: Array("tenant_id=demo&budget_multiplier=9".utf8))
            == .refuse(.formContentNotJSON(contentType: essence)))
        #expect(check("POST", headers, body: Array("[1]".utf8)) == .refuse(.formContentNotJSON(contentType: essence)))
        #expect(check("POST", headers, body: []) == .refuse(.formContentNotJSON(contentType: essence)))
    }

    @Test("a second Content-Type cannot hide a form type")
    func repeatedContentType() {
        let headers = [("Host", "127.0.0.1:4000"), ("Content-Type", "application/json"), ("Content-Type", "text/plain")]
        #expect(check("POST", headers, body: Array("a=b".utf8)) == .refuse(.formContentNotJSON(contentType: "text/plain")))
    }

    @Test("a GET with a form content type is only subject to the Host, Origin and Sec-Fetch-Site checks")
    func formTypeOnGet() {
        #expect(check("GET", [("Host", "127.0.0.1:4000"), ("Content-Type", "text/plain")], body: Array("x".utf8)) == .allow)
    }

    // MARK: - configuration

    @Test("origins a browser never sends are refused by the configuration", arguments: [
        "null", "*", "localhost:3000", "http://localhost:3000/", "http://localhost:3000/admin", "http://", "ftp://localhost",
        "http://user@localhost:3000",
    ])
    func invalidConfiguredOrigin(origin: String) {
        #expect(LoopbackOperatorGuard.originProblem(origin) != nil)
        #expect(throws: IdentityConfigurationError.self) {
            try IdentityConfiguration(loopbackOperator: true, loopbackAllowedOrigins: [origin]).validate()
        }
    }

    @Test("valid configured origins pass validation", arguments: ["http://localhost:3000", "https://ops.example", "http://[::1]:8080"])
    func validConfiguredOrigin(origin: String) throws {
        #expect(LoopbackOperatorGuard.originProblem(origin) == nil)
        try IdentityConfiguration(loopbackOperator: true, loopbackAllowedOrigins: [origin]).validate()
    }
}
