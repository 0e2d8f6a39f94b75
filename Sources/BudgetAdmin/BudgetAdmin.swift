import Contract
import Audit
import Logging
import Postgres

/// The budget admin API of SPEC §3: overrides (create, approve, list, extend, revoke),
/// limits, and the status reports the runbooks read.
///
/// Who may call what is the role table's business (`AdminAccess`); these handlers check
/// only what the table cannot know, such as the requester of an override not approving it.
/// Every change appends its audit row in the transaction that makes it.
public struct BudgetAdmin: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    let canary: CanaryRule
    let logger: Logger

    public init(pool: PostgresPool, canary: CanaryRule = CanaryRule(), logger: Logger) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.canary = canary
        self.logger = logger
    }

    /// The routes, for `AdminAPI(endpoints:)`.
    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/budget/status") { call in await self.status(call) },
            AdminEndpoint("GET", "/admin/budget/canary-status") { call in await self.canaryStatus(call) },
            AdminEndpoint("POST", "/admin/budget/override") { call in await self.createOverride(call) },
            AdminEndpoint("GET", "/admin/budget/overrides") { call in await self.listOverrides(call) },
            AdminEndpoint("GET", "/admin/budget/hourly") { call in await self.hourly(call) },
            AdminEndpoint("POST", "/admin/budget/overrides/{id}/approve") { call in await self.approveOverride(call) },
            AdminEndpoint("POST", "/admin/budget/overrides/{id}/extend") { call in await self.extendOverride(call) },
            AdminEndpoint("DELETE", "/admin/budget/overrides/{id}") { call in await self.revokeOverride(call) },
            AdminEndpoint("PUT", "/admin/budget/limits/{tenant}") { call in await self.setLimits(call) },
        ]
    }

    /// The routes of `endpoints`, each answering `DEPENDENCY_UNAVAILABLE` (503): for a
    /// gateway started without `database.url`, so an operator's curl says what is missing
    /// instead of "no admin route".
    public static func unavailableEndpoints(
        message: String = "the budget admin API needs Postgres: set database.url (env DATABASE_URL)"
    ) -> [AdminEndpoint] {
        routes.map { route in AdminEndpoint(route.method, route.template) { _ in .unavailable(message) } }
    }

    /// Method and template of every route in `endpoints`, in the same order.
    static let routes: [(method: String, template: String)] = [
        ("GET", "/admin/budget/status"),
        ("GET", "/admin/budget/canary-status"),
        ("POST", "/admin/budget/override"),
        ("GET", "/admin/budget/overrides"),
        ("GET", "/admin/budget/hourly"),
        ("POST", "/admin/budget/overrides/{id}/approve"),
        ("POST", "/admin/budget/overrides/{id}/extend"),
        ("DELETE", "/admin/budget/overrides/{id}"),
        ("PUT", "/admin/budget/limits/{tenant}"),
    ]
}
