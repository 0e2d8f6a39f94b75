import Contract
import Postgres

extension BudgetAdmin {
    // MARK: GET /admin/budget/status

    /// Every tenant's limits, spend, reservations, utilization and override; the canaries
    /// again under `canary_tenants` (the runbooks run `jq '.canary_tenants[]'`).
    func status(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.sorted().first(where: { $0 != "tenant" }) {
            return .badRequest("unknown query parameter \"\(unknown)\"; only ?tenant= is accepted")
        }
        do throws(PostgresError) {
            var tenants = try await Self.tenantStatuses(pool, canaryOnly: false)
            if let wanted = call.query["tenant"] {
                tenants = tenants.filter { $0.tenantID == wanted }
                if tenants.isEmpty { return AdminReply.notFound("unknown tenant \"\(wanted.prefix(128))\"") }
            }
            let generated = try await pool.query("SELECT \(SQLText.utc("now()")) AS now, \(SQLText.today)::text AS day").single()
            // The four-eyes emergency override (migration 0008) relaxes approvals, not budgets,
            // but the rollback plan checks it in the same place as the budget overrides.
            let emergency = try await pool.query("""
                SELECT id::text AS id, reason, created_by, \(SQLText.utc("expires_at")) AS expires_at_text
                FROM policy_emergency_overrides WHERE revoked_at IS NULL AND expires_at > now()
                ORDER BY expires_at DESC LIMIT 1
                """).first
            return AdminReply(json: .members([
                "generated_at": .string(try generated["now"].string()),
                "day": .string(try generated["day"].string()),
                "tenants": .array(tenants.map(\.json)),
                "canary_tenants": .array(tenants.filter(\.canary).map(\.json)),
                "emergency_override": try emergency.map { row throws(PostgresError) in
                    .members([
                        "id": .string(try row["id"].string()), "reason": .string(try row["reason"].string()),
                        "created_by": .string(try row["created_by"].string()), "expires_at": .string(try row["expires_at_text"].string()),
                    ])
                } ?? .null,
                "summary": .members([
                    "tenants": .int(tenants.count),
                    "canary": .int(tenants.filter(\.canary).count),
                    "alerting": .strings(tenants.filter(\.alert).map(\.tenantID)),
                    "over_limit": .strings(tenants.filter(\.overLimit).map(\.tenantID)),
                    "with_override": .strings(tenants.filter { $0.overrideID != nil }.map(\.tenantID)),
                ]),
            ]))
        } catch {
            return AdminReply.database(error)
        }
    }

    static func tenantStatuses(_ pool: PostgresPool, canaryOnly: Bool) async throws(PostgresError) -> [TenantBudgetStatus] {
        let rows = try await pool.query(TenantBudgetStatus.sql(canaryOnly: canaryOnly))
        var statuses: [TenantBudgetStatus] = []
        statuses.reserveCapacity(rows.count)
        for row in rows { statuses.append(try TenantBudgetStatus(row)) }
        return statuses
    }
}
