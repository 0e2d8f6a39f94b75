import Contract
import Audit
import Kit
import Ledger
import Postgres

extension BudgetAdmin {
    // MARK: PUT /admin/budget/limits/{tenant}

    /// `{"daily_usd_limit":50,"monthly_usd_limit":1500}` (either or both; optional
    /// `alert_threshold` 0 < x ≤ 1 and `canary`). An unknown tenant is created only when both
    /// limits are given (a canary one in environment `canary`, as the seeds are); otherwise
    /// it is 404. A change that touches a limit must leave daily ≤ monthly. The audit row
    /// holds the old and the new values.
    func setLimits(_ call: AdminCall) async -> AdminReply {
        let tenant = call.parameters["tenant"] ?? ""
        if let problem = TenantID.problem(tenant) { return .badRequest("tenant \(problem)") }
        let change: LimitsChange
        switch RequestBody.parse(call, known: LimitsChange.keys).flatMap(LimitsChange.parse) {
        case .success(let value): change = value
        case .failure(let reply): return reply
        }
        let actor = call.identity.subject
        do {
            let (previous, current) = try await pool.transaction { session -> (TenantLimits?, TenantLimits) in
                let rows = try await session.query(
                    "SELECT \(Self.limitColumns) FROM tenant_budget WHERE tenant_id = $1 FOR UPDATE", [.text(tenant)])
                let previous = try rows.first.map(Self.limits)
                let current: TenantLimits
                if let previous {
                    current = try await Self.update(tenant, change, previous: previous, in: session)
                } else {
                    current = try await Self.create(tenant, change, in: session)
                }
                let details: JSONValue = .members([
                    "tenant_id": .string(tenant), "created": .bool(previous == nil),
                    "previous": previous?.json ?? .null, "current": current.json,
                ])
                try await audit.append(AuditEntry(
                    action: "budget.limits.set", actor: actor, tenant: tenant, correlationID: call.requestID, details: details), in: session)
                return (previous, current)
            }
            logger.notice("budget limits set", metadata: [
                "request.id": "\(call.requestID)", "admin.user": "\(actor)", "budget.tenant": "\(tenant)",
                "budget.daily_limit": "\(MicroDollars.text(current.dailyMicros))",
                "budget.monthly_limit": "\(MicroDollars.text(current.monthlyMicros))",
                "budget.created": "\(previous == nil)",
            ])
            return AdminReply(status: previous == nil ? 201 : 200, json: .members([
                "tenant_id": .string(tenant), "created": .bool(previous == nil),
                "previous": previous?.json ?? .null, "current": current.json,
            ]))
        } catch {
            return AdminReply.from(error)
        }
    }

    static let limitColumns = """
        daily_usd_limit::text AS daily, monthly_usd_limit::text AS monthly, alert_threshold::text AS alert_threshold,
        canary, environment, tenant_class
        """

    static func limits(_ row: PostgresRow) throws(PostgresError) -> TenantLimits {
        TenantLimits(
            dailyMicros: try row["daily"].micros(), monthlyMicros: try row["monthly"].micros(),
            alertThreshold: try row["alert_threshold"].string(), canary: try row["canary"].bool(),
            environment: try row["environment"].string(), tenantClass: try row["tenant_class"].string())
    }

    static func checkOrder(daily: Int64, monthly: Int64) throws(AdminReply) {
        guard daily <= monthly else {
            throw AdminReply.badRequest(
                "the daily limit (\(MicroDollars.text(daily))) may not exceed the monthly limit (\(MicroDollars.text(monthly)))")
        }
    }

    private static func create(_ tenant: String, _ change: LimitsChange, in session: PostgresSession) async throws -> TenantLimits {
        guard let daily = change.dailyMicros, let monthly = change.monthlyMicros else {
            throw AdminReply.notFound(
                "unknown tenant \"\(tenant)\"; give both daily_usd_limit and monthly_usd_limit to create it")
        }
        try checkOrder(daily: daily, monthly: monthly)
        let canary = change.canary ?? false
        let rows = try await session.query("""
            INSERT INTO tenant_budget (tenant_id, environment, tenant_class, canary, daily_usd_limit, monthly_usd_limit, alert_threshold)
            VALUES ($1, $2, $3, $4::boolean, $5::numeric, $6::numeric, coalesce($7::numeric, 0.80))
            ON CONFLICT (tenant_id) DO NOTHING
            RETURNING \(limitColumns)
            """, [
                .text(tenant), .text(canary ? "canary" : "production"), .text(canary ? "canary" : "default"), .bool(canary),
                .micros(daily), .micros(monthly), change.alertThreshold.map { .text($0.fixedText) },
            ])
        guard let row = rows.first else {
            throw AdminReply.conflict("tenant \"\(tenant)\" was created by another call just now; send the change again")
        }
        return try limits(row)
    }

    private static func update(
        _ tenant: String, _ change: LimitsChange, previous: TenantLimits, in session: PostgresSession
    ) async throws -> TenantLimits {
        let daily = change.dailyMicros ?? previous.dailyMicros
        let monthly = change.monthlyMicros ?? previous.monthlyMicros
        if change.dailyMicros != nil || change.monthlyMicros != nil {
            try checkOrder(daily: daily, monthly: monthly)
        }
        // The canary flag carries the tenant's class (rate-limit class) and, like the seeds,
        // the `canary` environment the runbooks' SQL filters on.
        let rows = try await session.query("""
            UPDATE tenant_budget SET
                daily_usd_limit = $2::numeric,
                monthly_usd_limit = $3::numeric,
                alert_threshold = coalesce($4::numeric, alert_threshold),
                canary = coalesce($5::boolean, canary),
                tenant_class = CASE WHEN $5::boolean IS NULL THEN tenant_class WHEN $5::boolean THEN 'canary' ELSE 'default' END,
                environment = CASE
                    WHEN $5::boolean THEN 'canary'
                    WHEN NOT $5::boolean AND environment = 'canary' THEN 'production'
                    ELSE environment END,
                updated_at = now()
            WHERE tenant_id = $1
            RETURNING \(limitColumns)
            """, [
                .text(tenant), .micros(daily), .micros(monthly), change.alertThreshold.map { .text($0.fixedText) },
                change.canary.map { .bool($0) },
            ])
        return try limits(try rows.single())
    }
}
