import Identity
import Testing

@Suite("admin role table")
struct AdminAccessTests {
    private static func person(_ roles: String...) -> Identity {
        Identity(subject: "someone", tenant: "demo", roles: Set(roles), source: .jwt)
    }

    /// (method, route, roles that may call it) for every route of SPEC §3.
    static let expectations: [(String, String, Set<String>)] = [
        ("GET", "/admin/budget/status", ["admin", "finance_admin"]),
        ("GET", "/admin/budget/canary-status", ["admin", "finance_admin"]),
        ("POST", "/admin/budget/override", ["finance_admin"]),
        ("GET", "/admin/budget/hourly", ["admin", "finance_admin"]),
        ("GET", "/admin/alerts", ["admin", "finance_admin", "sre", "security_admin"]),
        ("GET", "/admin/budget/overrides", ["admin", "finance_admin"]),
        ("POST", "/admin/budget/overrides/{id}/extend", ["finance_admin"]),
        ("POST", "/admin/budget/overrides/{id}/approve", ["finance_admin"]),
        ("DELETE", "/admin/budget/overrides/{id}", ["admin", "finance_admin"]),
        ("PUT", "/admin/budget/limits/{tenant}", ["finance_admin"]),
        ("GET", "/admin/persisted-queries", ["admin", "security_admin"]),
        ("POST", "/admin/persisted-queries/allowlist", ["admin", "security_admin"]),
        ("PUT", "/admin/persisted-queries/phase", ["admin", "security_admin"]),
        ("GET", "/admin/approvals", ["admin", "finance_admin", "security_admin", "senior_analyst", "team_lead"]),
        ("POST", "/admin/approvals/{id}/approve", ["admin", "finance_admin", "security_admin", "senior_analyst", "team_lead"]),
        ("POST", "/admin/approvals/{id}/reject", ["admin", "finance_admin", "security_admin", "senior_analyst", "team_lead"]),
        ("POST", "/admin/approvals/bulk", ["admin", "finance_admin", "security_admin", "senior_analyst", "team_lead"]),
        ("POST", "/admin/policy/emergency-override", ["admin", "security_admin"]),
        ("GET", "/admin/policy/emergency-override", ["admin", "security_admin", "finance_admin"]),
        ("DELETE", "/admin/policy/emergency-override/{id}", ["admin", "security_admin"]),
        ("GET", "/admin/workers/status", ["admin", "finance_admin"]),
        ("POST", "/admin/workers/canary-escalate", ["admin", "finance_admin"]),
        ("GET", "/admin/audit", ["admin", "finance_admin", "security_admin"]),
        ("GET", "/admin/cutover", ["admin", "sre", "security_admin", "finance_admin", "product_owner", "tech_lead"]),
        ("POST", "/admin/cutover", ["admin", "sre"]),
        ("POST", "/admin/cutover/promote", ["admin", "sre"]),
        ("POST", "/admin/cutover/pause", ["admin", "sre"]),
        ("POST", "/admin/cutover/resume", ["admin", "sre"]),
        ("POST", "/admin/cutover/rollback", ["admin", "sre", "security_admin"]),
        ("PUT", "/admin/cutover/kill-switch", ["admin", "sre", "security_admin"]),
        ("POST", "/admin/cutover/approvals", ["admin", "sre", "product_owner", "tech_lead", "security_admin"]),
        ("POST", "/admin/cutover/freeze-override", ["admin", "sre", "product_owner", "tech_lead", "security_admin"]),
        ("GET", "/admin/gates", ["admin", "sre", "security_admin", "finance_admin", "product_owner", "tech_lead", "release_lead", "support_lead", "qe"]),
        // A sign-off is a person's own word in a named role: no admin stand-in.
        ("POST", "/admin/gates/approvals", ["sre", "release_lead", "support_lead", "qe", "product_owner", "tech_lead", "security_admin"]),
        ("GET", "/admin/chaos/faults", ["admin", "security_admin"]),
        ("POST", "/admin/chaos/faults", ["admin", "security_admin"]),
        ("DELETE", "/admin/chaos/faults", ["admin", "security_admin"]),
        ("DELETE", "/admin/chaos/faults/{id}", ["admin", "security_admin"]),
        ("GET", "/admin/downshift", ["admin", "sre", "finance_admin", "security_admin"]),
        ("PUT", "/admin/downshift", ["admin", "sre", "finance_admin"]),
    ] + ["/admin/ui", "/admin/ui/", "/admin/ui/overrides", "/admin/ui/approvals", "/admin/ui/canary", "/admin/ui/release", "/admin/ui/chaos", "/admin/ui/audit", "/admin/ui/help", "/admin/ui/assets/{name}"]
        .map { ("GET", $0, uiViewers) } + [("POST", "/admin/ui/actions/{action}", uiViewers)]

    /// The web UI opens for every admin role; each of its pages and actions is one API call checked by the rows above.
    static let uiViewers: Set<String> = [
        "admin", "finance_admin", "security_admin", "senior_analyst", "team_lead", "sre", "product_owner", "tech_lead",
        "release_lead", "support_lead", "qe",
    ]

    static let allRoles = [
        "admin", "finance_admin", "security_admin", "senior_analyst", "team_lead", "analyst", "sre", "product_owner", "tech_lead",
        "release_lead", "support_lead", "qe",
    ]

    @Test("each route accepts exactly its roles", arguments: 0..<expectations.count)
    func routeRoles(row: Int) {
        let (method, route, accepted) = Self.expectations[row]
        for role in Self.allRoles {
            let decision = authorize(Self.person(role), method: method, routeTemplate: route)
            if accepted.contains(role) {
                #expect(decision == .allowed, "\(role) on \(method) \(route)")
            } else {
                guard case .forbidden = decision else {
                    Issue.record("\(role) on \(method) \(route) should be forbidden, got \(decision)")
                    continue
                }
            }
        }
        #expect(authorize(nil, method: method, routeTemplate: route) == .unauthenticated)
        #expect(authorize(Self.person(), method: method, routeTemplate: route) != .allowed)
    }

    @Test("the table has exactly the routes above plus the open ones")
    func tableIsComplete() {
        let protected = AdminAccess.rules.filter { $0.access != .open }
        #expect(protected.count == Self.expectations.count)
        let open = AdminAccess.rules.filter { $0.access == .open }.map(\.routeTemplate).sorted()
        #expect(open == ["/health", "/health/budget", "/health/ready", "/metrics"])
    }

    @Test("override creation is finance_admin only, even for admin and security_admin")
    func overrideIsFinanceOnly() {
        let route = "/admin/budget/override"
        #expect(authorize(Self.person("finance_admin"), method: "POST", routeTemplate: route) == .allowed)
        #expect(authorize(Self.person("admin", "security_admin"), method: "POST", routeTemplate: route)
            == .forbidden(reason: "POST /admin/budget/override needs one of the roles finance_admin"))
    }

    @Test("health and metrics need no identity")
    func openRoutes() {
        for route in ["/health", "/health/ready", "/health/budget", "/metrics"] {
            #expect(authorize(nil, method: "GET", routeTemplate: route) == .allowed)
        }
    }

    @Test("a route or method missing from the table is refused for everyone")
    func unknownRoutes() {
        let everyone = Self.person("admin", "finance_admin", "security_admin")
        for (method, route) in [("GET", "/admin/secret"), ("DELETE", "/admin/budget/status"), ("POST", "/admin/audit")] {
            guard case .forbidden = authorize(everyone, method: method, routeTemplate: route) else {
                Issue.record("\(method) \(route) should be refused")
                continue
            }
            guard case .forbidden = authorize(nil, method: method, routeTemplate: route) else {
                Issue.record("\(method) \(route) should be refused")
                continue
            }
        }
    }

    @Test("HEAD follows the GET row")
    func headFollowsGet() {
        #expect(authorize(Self.person("finance_admin"), method: "HEAD", routeTemplate: "/admin/budget/status") == .allowed)
        #expect(authorize(Self.person("team_lead"), method: "HEAD", routeTemplate: "/admin/budget/status") != .allowed)
    }

    @Test("concrete paths match their templates")
    func pathMatching() {
        #expect(AdminAccess.rule(method: "POST", path: "/admin/approvals/42/approve")?.routeTemplate == "/admin/approvals/{id}/approve")
        #expect(AdminAccess.rule(method: "DELETE", path: "/admin/budget/overrides/abc")?.routeTemplate == "/admin/budget/overrides/{id}")
        #expect(AdminAccess.rule(method: "PUT", path: "/admin/budget/limits/demo")?.routeTemplate == "/admin/budget/limits/{tenant}")
        #expect(AdminAccess.rule(method: "POST", path: "/admin/approvals//approve") == nil)
        #expect(AdminAccess.rule(method: "GET", path: "/admin/approvals/42/approve") == nil)
        #expect(AdminAccess.rule(method: "GET", path: "/admin/budget/status/extra") == nil)
    }

    @Test("the loopback operator can run every admin curl in the runbooks")
    func operatorRunsRunbooks() {
        let runbook: [(String, String)] = [
            ("GET", "/admin/budget/canary-status"), ("GET", "/admin/budget/status"),
            ("POST", "/admin/budget/override"), ("POST", "/admin/workers/canary-escalate"),
            ("GET", "/admin/workers/status"), ("GET", "/admin/persisted-queries"),
            ("POST", "/admin/persisted-queries/allowlist"), ("GET", "/health/budget"),
        ]
        for (method, route) in runbook {
            #expect(authorize(.loopbackOperator, method: method, routeTemplate: route) == .allowed, "\(method) \(route)")
        }
    }
}
