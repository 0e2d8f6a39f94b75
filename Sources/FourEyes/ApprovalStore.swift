import Contract
import Audit
import Foundation
import Kit
import Ports
import Postgres
import Telemetry

/// The four-eyes bookkeeping in Postgres (SPEC §2): requests, the decisions of approvers,
/// and the single use of an approved request. Every change appends its audit row in the
/// transaction that makes it, so the log and the tables cannot disagree.
public struct ApprovalStore: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    /// How long a request may wait for its approvals and then for its use.
    public let lifetime: Duration

    public init(pool: PostgresPool, lifetime: Duration) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.lifetime = lifetime
    }

    /// What the gateway stores when a mutation needs four eyes.
    public typealias NewRequest = ApprovalRequest

    public enum Requested: Sendable, Equatable {
        /// Waiting for approvers; `created` is false when an earlier attempt already asked.
        case pending(ApprovalRequestRecord, created: Bool)
        /// The same requester's same mutation is already approved and unused: re-send it with evidence.
        case approved(ApprovalRequestRecord)
    }

    /// Stores the request, or finds the one an earlier attempt stored.
    public func request(_ new: NewRequest) async throws -> Requested {
        let match: [PostgresValue?] = [.text(new.tenant), .text(new.requester), .text(new.documentHash), .text(new.variablesHash)]
        return try await pool.transaction { session in
            let approved = try await session.query("""
                SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r
                WHERE r.tenant_id = $1 AND r.requester_id = $2 AND r.document_hash = $3 AND r.variables_hash = $4
                  AND r.status = 'approved' AND r.expires_at > now()
                ORDER BY r.created_at LIMIT 1
                """, match)
            if let row = approved.first { return .approved(try ApprovalRequestRecord(row)) }
            // A pending request past its expiry no longer holds the one-pending slot.
            _ = try await session.query("""
                UPDATE approval_requests SET status = 'expired'
                WHERE tenant_id = $1 AND requester_id = $2 AND document_hash = $3 AND variables_hash = $4
                  AND status = 'pending' AND expires_at <= now()
                """, match)
            let inserted = try await session.query("""
                INSERT INTO approval_requests AS r
                    (tenant_id, requester_id, document_hash, variables_hash, operation_name, estimated_usd, estimated_tokens,
                     reasons, risk_tags, target_tenants, correlation_id, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6::numeric, $7,
                        $8::jsonb, ARRAY(SELECT jsonb_array_elements_text($9::jsonb)), ARRAY(SELECT jsonb_array_elements_text($10::jsonb)),
                        $11, now() + $12::bigint * interval '1 microsecond')
                ON CONFLICT (tenant_id, requester_id, document_hash, variables_hash) WHERE status = 'pending' DO NOTHING
                RETURNING \(ApprovalRequestRecord.columns)
                """, match + [
                    new.operationName.map { .text($0) }, .micros(new.estimateMicros), .int(new.tokens),
                    .json(JSONValue.strings(new.reasons).serialized), .json(JSONValue.strings(new.riskTags).serialized),
                    .json(JSONValue.strings(new.targetTenants).serialized), .text(new.correlationID), .int(lifetime.wholeMicroseconds),
                ])
            if let row = inserted.first {
                let record = try ApprovalRequestRecord(row)
                try await audit.append(AuditEntry(
                    action: "approval.request", actor: new.requester, tenant: new.tenant, correlationID: new.correlationID,
                    reason: new.reasons.joined(separator: ", "), details: record.auditJSON), in: session)
                return .pending(record, created: true)
            }
            let existing = try await session.query("""
                SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r
                WHERE r.tenant_id = $1 AND r.requester_id = $2 AND r.document_hash = $3 AND r.variables_hash = $4
                  AND r.status = 'pending'
                """, match).single()
            return .pending(try ApprovalRequestRecord(existing), created: false)
        }
    }

    public enum Consumed: Sendable, Equatable {
        /// The approval is spent on this request.
        case used(ApprovalRequestRecord)
        /// Why the evidence does not admit this request; the id when one was named or found.
        case refused(String, id: String?)
        /// The approval was spent by an earlier request with this same `Idempotency-Key`,
        /// document and variables: a client retry, which the debit step answers with the
        /// first response (or 409 while that one is in flight). It runs nothing twice.
        case retry(ApprovalRequestRecord)
    }

    /// Spends an approval on this mutation: one statement that succeeds only for an
    /// approved, unexpired, unused request of this tenant with this document and these
    /// variables, so two concurrent re-sends cannot both pass.
    public func consume(
        _ evidence: ApprovalEvidence, tenant: String, documentHash: String, variablesHash: String,
        correlationID: String, actor: String, idempotencyKey: String? = nil
    ) async throws -> Consumed {
        var parameters: [PostgresValue?] = [.text(tenant), .text(documentHash), .text(variablesHash), .text(correlationID)]
        let target = Self.target(evidence, status: "approved", parameters: &parameters)
        parameters.append(idempotencyKey.map { .text($0) })
        let used: ApprovalRequestRecord? = try await pool.transaction { session in
            let rows = try await session.query("""
                UPDATE approval_requests r SET status = 'used', used_at = now(), used_correlation_id = $4,
                    used_idempotency_key = $6
                WHERE r.id = \(target) AND r.tenant_id = $1 AND r.document_hash = $2 AND r.variables_hash = $3
                  AND r.status = 'approved' AND r.expires_at > now()
                RETURNING \(ApprovalRequestRecord.columns)
                """, parameters)
            guard let row = rows.first else { return nil }
            let record = try ApprovalRequestRecord(row)
            try await audit.append(AuditEntry(
                action: "approval.use", actor: actor, tenant: tenant, correlationID: correlationID,
                details: record.auditJSON), in: session)
            return record
        }
        if let used { return .used(used) }
        if let idempotencyKey, let first = try await spentBy(
            evidence, key: idempotencyKey, tenant: tenant, documentHash: documentHash, variablesHash: variablesHash) {
            return .retry(first)
        }
        return try await refusal(evidence, tenant: tenant, documentHash: documentHash, variablesHash: variablesHash)
    }

    /// The SQL that picks the request the evidence names, in `status`, for this tenant,
    /// document and variables ($1–$3); appends its own parameter as $5. `status` is one of
    /// this file's literals ("approved", "used"), never input, so it is written into the text.
    static func target(_ evidence: ApprovalEvidence, status: String, parameters: inout [PostgresValue?]) -> String {
        switch evidence {
        case .requestID(let id):
            parameters.append(.uuid(id))
            return "$5::uuid"
        case .approvers(let ids):
            parameters.append(.json(JSONValue.strings(ids).serialized))
            // The oldest matching request two of whose approvers the client names.
            return """
                (SELECT q.id FROM approval_requests q
                 WHERE q.tenant_id = $1 AND q.document_hash = $2 AND q.variables_hash = $3
                   AND q.status = '\(status)' AND q.expires_at > now()
                   AND (SELECT count(DISTINCT a.approver_id) FROM approvals a
                        WHERE a.tenant_id = q.tenant_id AND a.request_id = q.id AND a.decision = 'approve'
                          AND a.approver_id IN (SELECT jsonb_array_elements_text($5::jsonb))) >= 2
                 ORDER BY q.created_at LIMIT 1)
                """
        }
    }

    /// The used request the evidence names, when the request that used it carried the same
    /// `Idempotency-Key` (kept on the request when it was used: four-eyes reads no other table).
    private func spentBy(
        _ evidence: ApprovalEvidence, key: String, tenant: String, documentHash: String, variablesHash: String
    ) async throws -> ApprovalRequestRecord? {
        var parameters: [PostgresValue?] = [.text(tenant), .text(documentHash), .text(variablesHash), .text(key)]
        let target = Self.target(evidence, status: "used", parameters: &parameters)
        let rows = try await pool.query("""
            SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r
            WHERE r.id = \(target) AND r.tenant_id = $1 AND r.document_hash = $2 AND r.variables_hash = $3
              AND r.status = 'used' AND r.used_idempotency_key = $4
            """, parameters)
        return try rows.first.map { row throws(PostgresError) in try ApprovalRequestRecord(row) }
    }

    /// Why `consume` found nothing, in words a client can act on.
    private func refusal(_ evidence: ApprovalEvidence, tenant: String, documentHash: String, variablesHash: String) async throws -> Consumed {
        guard case .requestID(let id) = evidence else {
            return .refused(
                "no approved, unused request of tenant \(tenant) for this document and these variables was approved by two of the listed approvers",
                id: nil)
        }
        let rows = try await pool.query("""
            SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r WHERE r.id = $1
            """, [.uuid(id)])
        let text = id.uuidString.lowercased()
        guard let row = rows.first else { return .refused("approval request \(text) does not exist", id: text) }
        let record = try ApprovalRequestRecord(row)
        if record.tenantID != tenant { return .refused("approval request \(text) belongs to another tenant", id: text) }
        if record.documentHash != documentHash {
            return .refused("approval request \(text) was approved for another document", id: text)
        }
        if record.variablesHash != variablesHash {
            return .refused("approval request \(text) was approved for other variables", id: text)
        }
        switch record.status {
        case "pending":
            return .refused("approval request \(text) is waiting for \(max(0, 2 - Set(record.approvers).count)) more approval(s)", id: text)
        case "used": return .refused("approval request \(text) was already used; an approval admits one request", id: text)
        case "expired": return .refused("approval request \(text) expired at \(record.expiresAt)", id: text)
        case "rejected": return .refused("approval request \(text) was rejected", id: text)
        default: return .refused("approval request \(text) is \(record.status)", id: text)
        }
    }

    /// Gives an approval back when a later admission step refused the request it was spent
    /// on (rate limit, budget): that request never reached the upstream.
    public func restore(_ id: String, correlationID: String, reason: String) async throws {
        try await pool.transaction { session in
            let rows = try await session.query("""
                UPDATE approval_requests SET status = 'approved', used_at = NULL, used_correlation_id = NULL, used_idempotency_key = NULL
                WHERE id = $1::uuid AND status = 'used' AND used_correlation_id = $2
                RETURNING tenant_id
                """, [.text(id), .text(correlationID)])
            guard let row = rows.first else { return }
            try await audit.append(AuditEntry(
                action: "approval.restore", actor: "safemut", tenant: try row["tenant_id"].string(), correlationID: correlationID,
                reason: reason, details: .members(["id": .string(id)])), in: session)
        }
    }

    /// Pending requests that have not expired (the `approvals_pending` gauge).
    public func pendingCount() async throws -> Int {
        try await pool.query("SELECT count(*) AS n FROM approval_requests WHERE status = 'pending' AND expires_at > now()")
            .single()["n"].int()
    }
}

extension ApprovalRequestRecord {
    /// What the audit row keeps of a request.
    var auditJSON: JSONValue {
        .members([
            "id": .string(id),
            "operation_name": .optional(operationName),
            "document_hash": .string(documentHash),
            "variables_hash": .string(variablesHash),
            "estimated_usd": .number(estimatedUSD),
            "estimated_tokens": .int(estimatedTokens),
            "reasons": reasons,
            "status": .string(status),
            "approvers": .strings(approvers),
        ])
    }
}
