import Kit
import Contract
import Postgres

extension BudgetAdmin {
    // MARK: GET /admin/budget/hourly

    /// The last 24 hours, hour by hour (UTC, oldest first, empty hours included): how many
    /// mutations the ledger recorded and what the settled ones spent; `?tenant=` narrows it to
    /// one tenant. The canary-health chart of the web UI draws it.
    func hourly(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.sorted().first(where: { $0 != "tenant" }) {
            return .badRequest("unknown query parameter \"\(unknown)\"; only ?tenant= is accepted")
        }
        let tenant = call.query["tenant"]
        if let tenant, let problem = TenantID.problem(tenant) { return .badRequest("tenant \(problem)") }
        do throws(PostgresError) {
            let rows = try await pool.query("""
                WITH hours AS (
                    SELECT generate_series(date_trunc('hour', now()) - interval '23 hours', date_trunc('hour', now()), interval '1 hour') AS hour
                )
                SELECT \(SQLText.utc("h.hour")) AS hour, count(l.id) AS mutations,
                       coalesce(sum(coalesce(l.actual_usd, l.estimated_usd)) FILTER (WHERE l.status = 'settled'), 0)::text AS spent
                FROM hours h LEFT JOIN budget_ledger l
                  ON l.created_at >= h.hour AND l.created_at < h.hour + interval '1 hour'
                 AND ($1::text IS NULL OR l.tenant_id = $1::text)
                GROUP BY h.hour ORDER BY h.hour
                """, [tenant.map { .text($0) }])
            var hours: [JSONValue] = []
            for row in rows {
                hours.append(.members([
                    "hour": .string(try row["hour"].string()),
                    "mutations": .int(try row["mutations"].int64()),
                    "spent_usd": MicroDollars.json(try row["spent"].micros()),
                ]))
            }
            return AdminReply(json: .members(["tenant_id": .optional(tenant), "hours": .array(hours)]))
        } catch {
            return AdminReply.database(error)
        }
    }
}
