import Contract
import Audit
import Foundation
import Kit
import Logging
import Postgres

extension BudgetAdmin {
    // MARK: POST /admin/budget/overrides/{id}/approve

    /// The second pair of eyes on a ≥ 2× override: a finance_admin (the role table) who is
    /// not its requester. Optional body `{"note": "…"}`, recorded in the audit row.
    func approveOverride(_ call: AdminCall) async -> AdminReply {
        let id: String
        switch Self.overrideID(call) {
        case .success(let value): id = value
        case .failure(let reply): return reply
        }
        let note: String?
        switch RequestBody.parse(call, known: ["note"], optional: true).flatMap({ $0.text("note", maxBytes: 2_000, required: false) }) {
        case .success(let text): note = text
        case .failure(let reply): return reply
        }
        let approver = call.identity.subject
        do {
            let record = try await pool.transaction { session in
                let current = try await Self.lockOverride(id, in: session)
                guard current.status == "pending_approval" else {
                    throw AdminReply.conflict(
                        "override \(id) is \(current.status); only a pending_approval override can be approved",
                        details: ["status": .string(current.status)])
                }
                guard current.requestedBy != approver else {
                    throw AdminReply.forbidden("\(approver) requested override \(id) and cannot approve it; a second finance_admin must")
                }
                let rows = try await session.query("""
                    UPDATE budget_overrides SET status = 'active', approved_by = $3
                    WHERE tenant_id = $1 AND id = $2::uuid
                    RETURNING \(OverrideRecord.columns)
                    """, [.text(current.tenantID), .text(id), .text(approver)])
                let record = try OverrideRecord(try rows.single())
                try await audit.append(AuditEntry(
                    action: "budget.override.approve", actor: approver, tenant: record.tenantID, correlationID: call.requestID,
                    reason: note, details: record.auditJSON), in: session)
                return record
            }
            logChange("budget override approved", record, call)
            return AdminReply(json: record.json)
        } catch {
            return AdminReply.from(error)
        }
    }

    // MARK: POST /admin/budget/overrides/{id}/extend

    /// `{"hours": N}`: pushes the expiry of an active or pending override N hours later,
    /// as long as the new expiry is at most 24 h from now. An expired or revoked override
    /// stays over (create a new one).
    func extendOverride(_ call: AdminCall) async -> AdminReply {
        let id: String
        switch Self.overrideID(call) {
        case .success(let value): id = value
        case .failure(let reply): return reply
        }
        let micros: Int64
        switch RequestBody.parse(call, known: ["hours"]).flatMap({ OverrideRules.hours($0["hours"], key: "hours") }) {
        case .success(let value): micros = value
        case .failure(let reply): return reply
        }
        let actor = call.identity.subject
        do {
            let (before, record) = try await pool.transaction { session in
                let current = try await Self.lockOverride(id, in: session)
                guard current.status == "active" || current.status == "pending_approval" else {
                    throw AdminReply.conflict(
                        "override \(id) is \(current.status); only an active or pending_approval override can be extended",
                        details: ["status": .string(current.status)])
                }
                let rows = try await session.query("""
                    UPDATE budget_overrides SET expires_at = expires_at + $3::bigint * interval '1 microsecond'
                    WHERE tenant_id = $1 AND id = $2::uuid
                      AND expires_at + $3::bigint * interval '1 microsecond' <= now() + interval '24 hours'
                    RETURNING \(OverrideRecord.columns)
                    """, [.text(current.tenantID), .text(id), .int(micros)])
                guard let row = rows.first else {
                    // Hundredths of an hour, rounded down, so the figure offered always fits.
                    let hundredths = try await session.query("""
                        SELECT greatest(0, floor(extract(epoch FROM now() + interval '24 hours' - expires_at) / 36))::bigint AS hundredths
                        FROM budget_overrides WHERE tenant_id = $1 AND id = $2::uuid
                        """, [.text(current.tenantID), .text(id)]).single()["hundredths"].int64()
                    let headroom = ScaledDecimal(units: hundredths, places: 2).text
                    throw AdminReply.badRequest(
                        "extending override \(id) by \(ScaledDecimal(units: micros / 3_600, places: 6).text) h would put its expiry more than 24 h from now; it can be extended by at most \(headroom) h")
                }
                let record = try OverrideRecord(row)
                let details: JSONValue = .members([
                    "override_id": .string(id), "previous_expires_at": .string(current.expiresAt), "expires_at": .string(record.expiresAt),
                    "extended_by_hours": .number(ScaledDecimal(units: micros / 3_600, places: 6).text), "status": .string(record.status),
                ])
                try await audit.append(AuditEntry(
                    action: "budget.override.extend", actor: actor, tenant: record.tenantID, correlationID: call.requestID,
                    details: details), in: session)
                return (current, record)
            }
            logChange("budget override extended", record, call)
            guard case .object(var members) = record.json else { return AdminReply(json: record.json) }
            members.append(JSONMember("previous_expires_at", .string(before.expiresAt)))
            return AdminReply(json: .object(members))
        } catch {
            return AdminReply.from(error)
        }
    }

    // MARK: DELETE /admin/budget/overrides/{id}

    /// Revokes an active or pending override at once; optional body `{"reason": "…"}`.
    func revokeOverride(_ call: AdminCall) async -> AdminReply {
        let id: String
        switch Self.overrideID(call) {
        case .success(let value): id = value
        case .failure(let reply): return reply
        }
        let reason: String?
        switch RequestBody.parse(call, known: ["reason"], optional: true).flatMap({ $0.text("reason", maxBytes: 2_000, required: false) }) {
        case .success(let text): reason = text
        case .failure(let reply): return reply
        }
        let actor = call.identity.subject
        do {
            let record = try await pool.transaction { session in
                let current = try await Self.lockOverride(id, in: session)
                guard current.status == "active" || current.status == "pending_approval" else {
                    throw AdminReply.conflict(
                        "override \(id) is already \(current.status)", details: ["status": .string(current.status)])
                }
                let rows = try await session.query("""
                    UPDATE budget_overrides SET status = 'revoked', revoked_at = now(), revoked_by = $3
                    WHERE tenant_id = $1 AND id = $2::uuid
                    RETURNING \(OverrideRecord.columns)
                    """, [.text(current.tenantID), .text(id), .text(actor)])
                let record = try OverrideRecord(try rows.single())
                var details = record.auditJSON
                if case .object(var members) = details {
                    members.append(JSONMember("previous_status", .string(current.status)))
                    details = .object(members)
                }
                try await audit.append(AuditEntry(
                    action: "budget.override.revoke", actor: actor, tenant: record.tenantID, correlationID: call.requestID,
                    reason: reason, details: details), in: session)
                return record
            }
            logChange("budget override revoked", record, call)
            return AdminReply(json: record.json)
        } catch {
            return AdminReply.from(error)
        }
    }

    // MARK: Shared

    /// The `{id}` segment as a lowercase UUID, or a 400 naming it.
    static func overrideID(_ call: AdminCall) -> Result<String, AdminReply> {
        let text = call.parameters["id"] ?? ""
        guard let uuid = UUID(uuidString: text) else {
            return .failure(.badRequest("\"\(text.prefix(64))\" is not an override id (a UUID)"))
        }
        return .success(uuid.uuidString.lowercased())
    }

    /// The override row, locked until the transaction ends; 404 when there is none.
    static func lockOverride(_ id: String, in session: PostgresSession) async throws -> OverrideRecord {
        let rows = try await session.query(
            "SELECT \(OverrideRecord.columns) FROM budget_overrides WHERE id = $1::uuid FOR UPDATE", [.text(id)])
        guard let row = rows.first else { throw AdminReply.notFound("no override \(id)") }
        return try OverrideRecord(row)
    }

    func logChange(_ message: Logger.Message, _ record: OverrideRecord, _ call: AdminCall) {
        logger.notice(message, metadata: [
            "request.id": "\(call.requestID)", "admin.user": "\(call.identity.subject)", "budget.tenant": "\(record.tenantID)",
            "budget.override": "\(record.id)", "budget.override_status": "\(record.status)", "budget.expires_at": "\(record.expiresAt)",
        ])
    }
}
