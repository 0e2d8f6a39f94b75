import Contract
import Crypto
import Foundation
import Identity
import Kit
import Synchronization
import Testing
@testable import AdminUI

@Suite("admin web UI")
struct AdminUITests {
    static let finance = Identity(subject: "fiona", tenant: "ops", roles: ["finance_admin"], source: .headers)
    static let sre = Identity(subject: "sam", tenant: "ops", roles: ["sre"], source: .headers)
    static let now = Mutex<Int64>(1_800_000_000)
    static let csrf = CSRFToken(key: Array(repeating: 7, count: 32), clock: { now.withLock { $0 } })

    static func call(_ method: String, _ path: String, identity: Identity = finance, parameters: [String: String] = [:],
                     body: String = "", headers: [(String, String)] = []) -> AdminCall {
        AdminCall(method: method, path: path, parameters: parameters, query: [:], body: Array(body.utf8), headers: headers,
                  identity: identity, requestID: "r-1")
    }

    /// The API as the UI sees it: a recording stand-in for the override routes (unit test of the UI's own logic).
    final class FakeAPI: Sendable {
        let seen = Mutex<[String]>([])
        let overrides: String
        init(overrides: String) { self.overrides = overrides }
        var endpoints: [AdminEndpoint] {
            [
                AdminEndpoint("GET", "/admin/budget/overrides") { _ in
                    AdminReply(status: 200, contentType: "application/json", body: Array(self.overrides.utf8))
                },
                AdminEndpoint("GET", "/admin/budget/status") { _ in AdminReply(json: .object([JSONMember("tenants", .array([]))])) },
                AdminEndpoint("POST", "/admin/budget/override") { call in
                    self.seen.withLock { $0.append("POST override " + String(decoding: call.body, as: UTF8.self)) }
                    return AdminReply(status: 201, json: .object([JSONMember("status", .string("active"))]))
                },
            ]
        }
    }

    @Test("interpolated text is escaped; only HTML goes in as markup")
    func escaping() {
        let note = #""><img src=x onerror=alert(1)>"#
        let html: HTML = "<td title=\"\(note)\">\(note)</td>\(HTML("<b>ok</b>"))"
        #expect(html.rendered == #"<td title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td><b>ok</b>"#)
        #expect(HTML.escape("a'b&c") == "a&#39;b&amp;c")
    }

    @Test("a CSRF token is good for its person only, until it expires; forged or malformed ones are refused")
    func csrfTokens() {
        let token = Self.csrf.issue(subject: "fiona", roles: ["finance_admin"])
        #expect(Self.csrf.problem(token, subject: "fiona", roles: ["finance_admin"]) == nil)
        #expect(Self.csrf.problem(token, subject: "sam", roles: ["finance_admin"])?.contains("not this person's") == true)
        #expect(Self.csrf.problem(token, subject: "fiona", roles: ["finance_admin", "admin"]) != nil, "roles are part of it")
        #expect(Self.csrf.problem(nil, subject: "fiona", roles: [])?.contains("no X-CSRF-Token") == true)
        #expect(Self.csrf.problem("v1.x.y", subject: "fiona", roles: [])?.contains("malformed") == true)
        let other = CSRFToken(key: Array(repeating: 8, count: 32), clock: { Self.now.withLock { $0 } })
        #expect(Self.csrf.problem(other.issue(subject: "fiona", roles: ["finance_admin"]), subject: "fiona", roles: ["finance_admin"]) != nil)
        Self.now.withLock { $0 += 13 * 3600 }
        #expect(Self.csrf.problem(token, subject: "fiona", roles: ["finance_admin"])?.contains("expired") == true)
        Self.now.withLock { $0 -= 13 * 3600 }
    }

    @Test("the embedded assets are ui/'s files: same bytes, hashed names; looked up by exact name only")
    func assets() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for asset in UIAssets.all {
            let text = try String(contentsOf: root.appendingPathComponent("ui").appendingPathComponent(asset.source), encoding: .utf8)
            #expect(asset.bytes == Array(text.utf8), "\(asset.source) changed: run python3 scripts/gen-ui-assets.py")
            #expect(asset.sha256 == SHA256Digest.hex(Array(text.utf8)))
            #expect(asset.name.contains(String(asset.sha256.prefix(12))))
            let served = AdminUI.asset(asset.name)
            #expect(served.status == 200 && served.headers.contains { $0 == ("Cache-Control", "public, max-age=31536000, immutable") })
        }
        #expect(UIAssets.all.count == 2)
        for name in ["safemut.css", "../Package.swift", "%2e%2e%2fPackage.swift", ""] {
            #expect(AdminUI.asset(name).status == 404, "\(name)")
        }
    }

    @Test("a page carries the strict CSP, nosniff and the viewer's CSRF token; values from users are escaped")
    func page() async throws {
        let api = FakeAPI(overrides: #"{"overrides":[{"id":"o-1","tenant_id":"demo","budget_multiplier":1.5,"status":"active","note":"\"><img src=x onerror=alert(1)>","requested_by":"fiona","expires_at":"2027-01-15T08:00:00Z","remaining_seconds":3600}]}"#)
        let ui = AdminUI(api: api.endpoints, csrf: Self.csrf)
        let page = await ui.overrides(Self.call("GET", "/admin/ui/overrides"))
        let text = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && page.contentType.hasPrefix("text/html"))
        let csp = page.headers.first { $0.0 == "Content-Security-Policy" }?.1 ?? ""
        #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"))
        #expect(page.headers.contains { $0 == ("X-Content-Type-Options", "nosniff") })
        #expect(!text.contains("<img src=x"), "a note went in unescaped")
        #expect(text.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!text.contains("<script>") && !text.contains(" onclick="), "no inline script")
        let token = try #require(text.split(separator: "\"").first { $0.hasPrefix("v1.") })
        #expect(Self.csrf.problem(String(token), subject: "fiona", roles: ["finance_admin"]) == nil)
    }

    @Test("an action needs the viewer's token, this origin, and a role the API route allows")
    func actions() async {
        let api = FakeAPI(overrides: #"{"overrides":[]}"#)
        let ui = AdminUI(api: api.endpoints, csrf: Self.csrf)
        let body = #"{"tenant_id":"demo","budget_multiplier":"1.5","expires_hours":"4","note":"incident 42"}"#
        let token = Self.csrf.issue(subject: "fiona", roles: ["finance_admin"])
        func act(_ identity: Identity, _ headers: [(String, String)]) async -> (Int, String) {
            let reply = await ui.act(Self.call("POST", "/admin/ui/actions/override.create", identity: identity,
                                               parameters: ["action": "override.create"], body: body, headers: headers))
            return (reply.status, String(decoding: reply.body, as: UTF8.self))
        }
        let missing = await act(Self.finance, [("Host", "gw:4000")])
        #expect(missing.0 == 403 && missing.1.contains("X-CSRF-Token"))
        let crossOrigin = await act(Self.finance, [("Host", "gw:4000"), ("Origin", "http://evil.example"), ("X-CSRF-Token", token)])
        #expect(crossOrigin.0 == 403 && crossOrigin.1.contains("cross-origin"))
        let crossSite = await act(Self.finance, [("Host", "gw:4000"), ("Sec-Fetch-Site", "cross-site"), ("X-CSRF-Token", token)])
        #expect(crossSite.0 == 403 && crossSite.1.contains("cross-site"))
        #expect(api.seen.withLock { $0.isEmpty }, "nothing reached the API")
        let done = await act(Self.finance, [("Host", "gw:4000"), ("Origin", "http://gw:4000"), ("Sec-Fetch-Site", "same-origin"), ("X-CSRF-Token", token)])
        #expect(done.0 == 201 && done.1.contains(#""ok":true"#), "\(done.1)")
        #expect(api.seen.withLock { $0 } == [#"POST override {"tenant_id":"demo","budget_multiplier":1.5,"expires_hours":4,"note":"incident 42"}"#])
        // An SRE may open the UI, but the role table keeps overrides FinOps'.
        let sreToken = Self.csrf.issue(subject: "sam", roles: ["sre"])
        let refused = await act(Self.sre, [("Host", "gw:4000"), ("X-CSRF-Token", sreToken)])
        #expect(refused.0 == 403 && refused.1.contains(#""ok":false"#), "\(refused.1)")
        #expect(api.seen.withLock { $0.count } == 1)
    }

    @Test("bad form input is a typed answer naming what is wrong, never an API call", arguments: [
        (#"{"tenant_id":"demo","budget_multiplier":"1.5e3","expires_hours":"4","note":"x"}"#, "override.create", "multiplier"),
        (#"{"id":"../../admin/x"}"#, "override.revoke", "which override"),
        (#"not json"#, "override.create", "JSON"),
        (#"{}"#, "launch.missiles", "no UI action"),
    ])
    func badInput(body: String, action: String, expected: String) async {
        let api = FakeAPI(overrides: #"{"overrides":[]}"#)
        let ui = AdminUI(api: api.endpoints, csrf: Self.csrf)
        let token = Self.csrf.issue(subject: "fiona", roles: ["finance_admin"])
        let reply = await ui.act(Self.call("POST", "/admin/ui/actions/\(action)", parameters: ["action": action], body: body,
                                           headers: [("X-CSRF-Token", token)]))
        let text = String(decoding: reply.body, as: UTF8.self)
        #expect((400...404).contains(reply.status) && text.contains(expected), "\(reply.status) \(text)")
        #expect(api.seen.withLock { $0.isEmpty })
    }
}
