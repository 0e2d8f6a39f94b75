/// What `authorize` decided for one admin call.
public enum AuthorizationDecision: Sendable, Equatable {
    case allowed
    /// No identity, on a route that needs one (401).
    case unauthenticated
    /// An identity without an accepted role, or a route no one may call (403).
    case forbidden(reason: String)
}

/// Who may call a route.
public enum RouteAccess: Sendable, Equatable {
    /// No identity needed: liveness, readiness and scrapes must work without credentials.
    case open
    /// An identity holding at least one of these roles.
    case roles(Set<String>)
}

/// One row of the admin role table.
public struct AdminRouteRule: Sendable, Equatable {
    public let method: String
    /// The path with `{name}` for a variable segment, as SPEC §3 writes it.
    public let routeTemplate: String
    public let access: RouteAccess
}

/// The one table saying which role may call which admin route (SPEC §3).
///
/// | method & route | roles |
/// |---|---|
/// | `GET /health`, `/health/ready`, `/health/budget`, `/metrics` | anyone |
/// | `GET /admin/budget/status`, `/admin/budget/canary-status`, `/admin/budget/overrides`, `/admin/budget/hourly` | admin, finance_admin |
/// | `POST /admin/budget/override`, `POST /admin/budget/overrides/{id}/extend`, `…/{id}/approve` | finance_admin |
/// | `DELETE /admin/budget/overrides/{id}` | finance_admin, admin |
/// | `PUT /admin/budget/limits/{tenant}` | finance_admin |
/// | `GET /admin/persisted-queries`, `POST …/allowlist`, `PUT …/phase` | admin, security_admin |
/// | `GET /admin/approvals`, `POST /admin/approvals/{id}/approve`, `…/reject`, `POST /admin/approvals/bulk` | admin, finance_admin, security_admin, senior_analyst, team_lead |
/// | `POST /admin/policy/emergency-override`, `DELETE …/{id}` | admin, security_admin |
/// | `GET /admin/policy/emergency-override` | admin, security_admin, finance_admin |
/// | `GET /admin/alerts` | admin, finance_admin, sre, security_admin |
/// | `GET /admin/workers/status` | admin, finance_admin |
/// | `POST /admin/workers/canary-escalate` | admin, finance_admin |
/// | `GET /admin/audit` | admin, finance_admin, security_admin |
/// | `GET /admin/cutover` | admin, sre, security_admin, finance_admin, product_owner, tech_lead |
/// | `POST /admin/cutover`, `…/promote`, `…/pause`, `…/resume` | admin, sre |
/// | `POST /admin/cutover/rollback`, `PUT /admin/cutover/kill-switch` | admin, sre, security_admin |
/// | `POST /admin/cutover/approvals`, `…/freeze-override` | sre, product_owner, tech_lead, security_admin, admin |
/// | `GET /admin/gates` | the cutover's readers, release_lead, support_lead, qe |
/// | `GET`, `POST`, `DELETE /admin/chaos/faults[/{id}]` | admin, security_admin |
/// | `GET /admin/downshift` | admin, sre, finance_admin, security_admin |
/// | `PUT /admin/downshift` | admin, sre, finance_admin |
/// | `GET /admin/ui/…`, `POST /admin/ui/actions/{action}` | every role above (each page and action is then one API call, checked against this table) |
/// | `POST /admin/gates/approvals` | sre, release_lead, support_lead, qe, product_owner, tech_lead, security_admin |
///
/// Why: raising spend (overrides, extensions, limits) is FinOps only — SPEC §3 says
/// "`finance_admin` only" and the GA notes restrict overrides to the FinOps Admin role.
/// Revoking an override only lowers spend, so an `admin` may also do it during an incident.
/// The allowlist, its phase and policy overrides are security controls. The approvers are
/// SPEC §2's valid approvers; a `team_lead` reaches the queue here, and the approval flow
/// (which knows the request's tenant) limits them to their own tenant and refuses the
/// requester. Canary escalation raises limits by rule, not by hand, and the runbooks run
/// it as the operator. A route missing from the table is refused for everyone.
public enum AdminAccess {
    private static let budgetReaders: Set<String> = [Role.admin, Role.financeAdmin]
    private static let finance: Set<String> = [Role.financeAdmin]
    private static let security: Set<String> = [Role.admin, Role.securityAdmin]
    private static let approvers: Set<String> = [
        Role.admin, Role.financeAdmin, Role.securityAdmin, Role.seniorAnalyst, Role.teamLead,
    ]

    private static let release: Set<String> = [Role.admin, Role.sre]
    private static let stopRelease: Set<String> = [Role.admin, Role.sre, Role.securityAdmin]
    private static let releaseReaders: Set<String> = [
        Role.admin, Role.sre, Role.securityAdmin, Role.financeAdmin, Role.productOwner, Role.techLead,
    ]
    private static let stageOwners: Set<String> = [Role.admin, Role.sre, Role.productOwner, Role.techLead, Role.securityAdmin]
    // A go/no-go sign-off is a person's own word in a named role: no admin stand-in.
    private static let gateSigners: Set<String> = [
        Role.sre, Role.releaseLead, Role.supportLead, Role.qe, Role.productOwner, Role.techLead, Role.securityAdmin,
    ]

    private static let uiViewers: Set<String> = budgetReaders.union(security).union(approvers).union(releaseReaders)
        .union(stageOwners).union(gateSigners)

    public static let rules: [AdminRouteRule] = [
        AdminRouteRule(method: "GET", routeTemplate: "/health", access: .open),
        AdminRouteRule(method: "GET", routeTemplate: "/health/ready", access: .open),
        AdminRouteRule(method: "GET", routeTemplate: "/health/budget", access: .open),
        AdminRouteRule(method: "GET", routeTemplate: "/metrics", access: .open),

        AdminRouteRule(method: "GET", routeTemplate: "/admin/budget/status", access: .roles(budgetReaders)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/budget/canary-status", access: .roles(budgetReaders)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/budget/override", access: .roles(finance)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/budget/overrides", access: .roles(budgetReaders)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/budget/hourly", access: .roles(budgetReaders)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/alerts", access: .roles(budgetReaders.union([Role.sre, Role.securityAdmin]))),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/budget/overrides/{id}/extend", access: .roles(finance)),
        // A ≥ 2× override waits for a second finance_admin (not the requester: the handler checks).
        AdminRouteRule(method: "POST", routeTemplate: "/admin/budget/overrides/{id}/approve", access: .roles(finance)),
        AdminRouteRule(method: "DELETE", routeTemplate: "/admin/budget/overrides/{id}", access: .roles([Role.financeAdmin, Role.admin])),
        AdminRouteRule(method: "PUT", routeTemplate: "/admin/budget/limits/{tenant}", access: .roles(finance)),

        AdminRouteRule(method: "GET", routeTemplate: "/admin/persisted-queries", access: .roles(security)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/persisted-queries/allowlist", access: .roles(security)),
        AdminRouteRule(method: "PUT", routeTemplate: "/admin/persisted-queries/phase", access: .roles(security)),

        AdminRouteRule(method: "GET", routeTemplate: "/admin/approvals", access: .roles(approvers)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/approvals/{id}/approve", access: .roles(approvers)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/approvals/{id}/reject", access: .roles(approvers)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/approvals/bulk", access: .roles(approvers)),

        AdminRouteRule(method: "POST", routeTemplate: "/admin/policy/emergency-override", access: .roles(security)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/policy/emergency-override", access: .roles(security.union(budgetReaders))),
        AdminRouteRule(method: "DELETE", routeTemplate: "/admin/policy/emergency-override/{id}", access: .roles(security)),

        AdminRouteRule(method: "GET", routeTemplate: "/admin/workers/status", access: .roles(budgetReaders)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/workers/canary-escalate", access: .roles(budgetReaders)),

        AdminRouteRule(method: "GET", routeTemplate: "/admin/audit", access: .roles([Role.admin, Role.financeAdmin, Role.securityAdmin])),

        // A release is the SREs'; stopping one is anyone's who guards production; the stage
        // owners sign off their stage (never the starter: the cutover rules check).
        AdminRouteRule(method: "GET", routeTemplate: "/admin/cutover", access: .roles(releaseReaders)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover", access: .roles(release)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover/promote", access: .roles(release)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover/pause", access: .roles(release)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover/resume", access: .roles(release)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover/rollback", access: .roles(stopRelease)),
        AdminRouteRule(method: "PUT", routeTemplate: "/admin/cutover/kill-switch", access: .roles(stopRelease)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover/approvals", access: .roles(stageOwners)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/cutover/freeze-override", access: .roles(stageOwners)),

        AdminRouteRule(
            method: "GET", routeTemplate: "/admin/gates", access: .roles(releaseReaders.union([Role.releaseLead, Role.supportLead, Role.qe]))),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/gates/approvals", access: .roles(gateSigners)),

        // Injected faults are a drill of the whole system: admins and security only (SPEC §13).
        AdminRouteRule(method: "GET", routeTemplate: "/admin/chaos/faults", access: .roles(security)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/chaos/faults", access: .roles(security)),
        AdminRouteRule(method: "DELETE", routeTemplate: "/admin/chaos/faults", access: .roles(security)),
        AdminRouteRule(method: "DELETE", routeTemplate: "/admin/chaos/faults/{id}", access: .roles(security)),

        // The cost ladder is FinOps' and the SREs': both may move it; security may watch.
        AdminRouteRule(method: "GET", routeTemplate: "/admin/downshift", access: .roles([Role.admin, Role.sre, Role.financeAdmin, Role.securityAdmin])),
        AdminRouteRule(method: "PUT", routeTemplate: "/admin/downshift", access: .roles([Role.admin, Role.sre, Role.financeAdmin])),

        // The web UI: anyone with an admin role may open it; what a page shows and what an
        // action does is one API call as that person, checked against the rows above.
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/overrides", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/approvals", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/canary", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/release", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/chaos", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/audit", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/help", access: .roles(uiViewers)),
        AdminRouteRule(method: "GET", routeTemplate: "/admin/ui/assets/{name}", access: .roles(uiViewers)),
        AdminRouteRule(method: "POST", routeTemplate: "/admin/ui/actions/{action}", access: .roles(uiViewers)),
    ]

    private static let byRoute: [String: AdminRouteRule] = {
        var table: [String: AdminRouteRule] = [:]
        for rule in rules {
            let previous = table.updateValue(rule, forKey: key(rule.method, rule.routeTemplate))
            precondition(previous == nil, "duplicate row in the admin role table: \(rule.method) \(rule.routeTemplate)")
        }
        return table
    }()

    private static func key(_ method: String, _ template: String) -> String {
        method + " " + template
    }

    /// The row for `method` and `routeTemplate`; `HEAD` uses the `GET` row.
    public static func rule(method: String, routeTemplate: String) -> AdminRouteRule? {
        let effective = method == "HEAD" ? "GET" : method
        return byRoute[key(effective, routeTemplate)]
    }

    /// The row whose template matches a concrete request path (`{name}` matches one
    /// non-empty segment), for routers that do not track templates themselves.
    public static func rule(method: String, path: String) -> AdminRouteRule? {
        let effective = method == "HEAD" ? "GET" : method
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        for rule in rules where rule.method == effective {
            let template = rule.routeTemplate.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { continue }
            let matches = zip(template, segments).allSatisfy { pattern, segment in
                (pattern.hasPrefix("{") && pattern.hasSuffix("}")) ? !segment.isEmpty : pattern == segment
            }
            if matches { return rule }
        }
        return nil
    }

    /// Whether `identity` may call `method routeTemplate`.
    public static func authorize(_ identity: Identity?, method: String, routeTemplate: String) -> AuthorizationDecision {
        guard let rule = rule(method: method, routeTemplate: routeTemplate) else {
            return .forbidden(reason: "no role may call \(method) \(routeTemplate)")
        }
        switch rule.access {
        case .open:
            return .allowed
        case .roles(let accepted):
            guard let identity else { return .unauthenticated }
            guard identity.roles.isDisjoint(with: accepted) else { return .allowed }
            return .forbidden(reason: "\(method) \(routeTemplate) needs one of the roles \(accepted.sorted().joined(separator: ", "))")
        }
    }
}

/// Whether `identity` may call `method routeTemplate`, by the table in `AdminAccess`.
public func authorize(_ identity: Identity?, method: String, routeTemplate: String) -> AuthorizationDecision {
    AdminAccess.authorize(identity, method: method, routeTemplate: routeTemplate)
}
