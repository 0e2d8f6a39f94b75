import Contract
import Audit
import Kit
import Postgres

extension BudgetAdmin {
    // MARK: POST /admin/budget/override

    /// `{"tenant_id","budget_multiplier","note","expires_hours"}`: below 2× the override is
    /// `active` at once; from 2× it is `pending_approval` until a second finance_admin
    /// approves it. Its expiry runs from now either way (approval does not restart it).
    func createOverride(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["tenant_id", "budget_multiplier", "note", "expires_hours"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        let tenant: String
        switch body.text("tenant_id", maxBytes: TenantID.maxBytes, required: true) {
        case .success(let text?): tenant = text
        case .success(nil): return .badRequest("\"tenant_id\" is required")
        case .failure(let reply): return reply
        }
        if let problem = TenantID.problem(tenant) { return .badRequest("\"tenant_id\" \(problem)") }
        let multiplier: ScaledDecimal
        switch OverrideRules.multiplier(body["budget_multiplier"]) {
        case .success(let value): multiplier = value
        case .failure(let reply): return reply
        }
        let note: String
        switch body.text("note", maxBytes: 2_000, required: true) {
        case .success(let text?): note = text
        case .success(nil): return .badRequest("\"note\" is required")
        case .failure(let reply): return reply
        }
        let lifetimeMicros: Int64
        switch OverrideRules.hours(body["expires_hours"], key: "expires_hours") {
        case .success(let micros): lifetimeMicros = micros
        case .failure(let reply): return reply
        }
        let pending = OverrideRules.needsApproval(multiplier)
        let requester = call.identity.subject
        let insert = """
            INSERT INTO budget_overrides (tenant_id, budget_multiplier, note, status, requested_by, expires_at)
            SELECT t.tenant_id, $2::numeric, $3, $4, $5, now() + $6::bigint * interval '1 microsecond'
            FROM tenant_budget t WHERE t.tenant_id = $1
            RETURNING \(OverrideRecord.columns)
            """
        do {
            let record = try await pool.transaction { session in
                let rows = try await session.query(insert, [
                    .text(tenant), .text(multiplier.fixedText), .text(note), .text(pending ? "pending_approval" : "active"),
                    .text(requester), .int(lifetimeMicros),
                ])
                guard let row = rows.first else { throw AdminReply.notFound("unknown tenant \"\(tenant)\"") }
                let record = try OverrideRecord(row)
                try await audit.append(AuditEntry(
                    action: "budget.override.create", actor: requester, tenant: tenant, correlationID: call.requestID,
                    reason: note, details: record.auditJSON), in: session)
                return record
            }
            logger.notice("budget override created", metadata: [
                "request.id": "\(call.requestID)", "admin.user": "\(requester)", "budget.tenant": "\(tenant)",
                "budget.override": "\(record.id)", "budget.multiplier": "\(record.multiplier)", "budget.override_status": "\(record.status)",
            ])
            return AdminReply(status: 201, json: Self.withApproval(record, pending: pending))
        } catch {
            return AdminReply.from(error)
        }
    }

    /// The override plus what happens next.
    static func withApproval(_ record: OverrideRecord, pending: Bool) -> JSONValue {
        guard case .object(var members) = record.json else { return record.json }
        members.append(JSONMember("approval_required", .bool(pending)))
        members.append(JSONMember("message", .string(pending
            ? "a multiplier of 2 or more counts only after a second finance_admin approves it: POST /admin/budget/overrides/\(record.id)/approve"
            : "active now; it stops counting at expires_at")))
        return .object(members)
    }

    // MARK: GET /admin/budget/overrides

    /// Overrides that are active or pending approval and not yet expired; `?tenant=` narrows it.
    func listOverrides(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.sorted().first(where: { $0 != "tenant" }) {
            return .badRequest("unknown query parameter \"\(unknown)\"; only ?tenant= is accepted")
        }
        let tenant = call.query["tenant"]
        if let tenant, let problem = TenantID.problem(tenant) { return .badRequest("tenant \(problem)") }
        do throws(PostgresError) {
            if let tenant {
                let known = try await pool.query("SELECT 1 FROM tenant_budget WHERE tenant_id = $1", [.text(tenant)])
                if known.isEmpty { return AdminReply.notFound("unknown tenant \"\(tenant)\"") }
            }
            // spent_since: what the tenant's settled mutations cost since the override was
            // asked for (cost attribution: what the raised limit let through).
            let rows = try await pool.query("""
                SELECT \(OverrideRecord.columns),
                       (SELECT coalesce(sum(coalesce(l.actual_usd, l.estimated_usd)), 0) FROM budget_ledger l
                        WHERE l.tenant_id = budget_overrides.tenant_id AND l.status = 'settled'
                          AND l.created_at >= budget_overrides.created_at)::text AS spent_since
                FROM budget_overrides
                WHERE status IN ('active', 'pending_approval') AND expires_at > now()
                  AND ($1::text IS NULL OR tenant_id = $1::text)
                ORDER BY tenant_id, created_at, id
                """, [tenant.map { .text($0) }])
            var records: [OverrideRecord] = []
            var listed: [JSONValue] = []
            for row in rows {
                let record = try OverrideRecord(row)
                records.append(record)
                listed.append(.object((record.json.objectMembers ?? []) + [JSONMember("spent_since_usd", MicroDollars.json(try row["spent_since"].micros()))]))
            }
            return AdminReply(json: .members([
                "overrides": .array(listed),
                "count": .int(records.count),
                "active": .int(records.filter { $0.status == "active" }.count),
                "pending_approval": .int(records.filter { $0.status == "pending_approval" }.count),
            ]))
        } catch {
            return AdminReply.database(error)
        }
    }
}
