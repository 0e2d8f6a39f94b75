import Contract
import Audit
import Foundation
import Kit
import Postgres

extension ApprovalStore {
    public enum Verdict: String, Sendable, CaseIterable {
        case approve, reject
    }

    public enum DecisionOutcome: Sendable, Equatable {
        /// Recorded; `approvedNow` when this was the second distinct approval.
        case recorded(ApprovalRequestRecord, approvedNow: Bool)
        case notFound
        /// The request is no longer waiting (approved, rejected, used, expired).
        case notPending(ApprovalRequestRecord)
        /// The caller may not decide this request; the reason says why.
        case notAllowed(String)
        /// This person already decided this request.
        case alreadyDecided(ApprovalRequestRecord)
    }

    /// Records one approver's decision. The request row is locked first, so two approvers
    /// deciding at once are counted one after the other; `allowed` (the policy's approver
    /// rule) sees the stored tenant and requester and returns why the caller may not decide,
    /// or nil. A rejection ends the request; the second distinct approval approves it.
    public func decide(
        _ id: UUID, verdict: Verdict, approver: String, roles: [String], note: String?, correlationID: String,
        allowed: @Sendable (_ tenant: String, _ requester: String) -> String?
    ) async throws -> DecisionOutcome {
        try await pool.transaction { session in
            let locked = try await session.query("""
                SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r WHERE r.id = $1 FOR UPDATE
                """, [.uuid(id)])
            guard let row = locked.first else { return .notFound }
            let request = try ApprovalRequestRecord(row)
            if let problem = allowed(request.tenantID, request.requesterID) { return .notAllowed(problem) }
            if request.decisions.contains(where: { $0.approverID == approver }) { return .alreadyDecided(request) }
            guard request.status == "pending" else {
                if request.status == "expired" {
                    _ = try await session.query(
                        "UPDATE approval_requests SET status = 'expired' WHERE id = $1 AND status = 'pending'", [.uuid(id)])
                }
                return .notPending(request)
            }
            _ = try await session.query("""
                INSERT INTO approvals (tenant_id, request_id, approver_id, approver_roles, decision, note)
                VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5, $6)
                """, [
                    .text(request.tenantID), .uuid(id), .text(approver), .json(JSONValue.strings(roles.sorted()).serialized),
                    .text(verdict.rawValue), note.map { .text($0) },
                ])
            let approvers = Set(request.approvers + (verdict == .approve ? [approver] : []))
            let newStatus: String? = verdict == .reject ? "rejected" : (approvers.count >= 2 ? "approved" : nil)
            if let newStatus {
                _ = try await session.query("""
                    UPDATE approval_requests
                    SET status = $2, approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END
                    WHERE id = $1
                    """, [.uuid(id), .text(newStatus)])
            }
            let updated = try ApprovalRequestRecord(try await session.query("""
                SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r WHERE r.id = $1
                """, [.uuid(id)]).single())
            try await audit.append(AuditEntry(
                action: "approval.\(verdict.rawValue)", actor: approver, tenant: request.tenantID, correlationID: correlationID,
                reason: note, details: updated.auditJSON), in: session)
            return .recorded(updated, approvedNow: newStatus == "approved")
        }
    }

    /// Requests by status (`pending`, `approved`, `rejected`, `used`, `expired`, or nil for
    /// all), newest first; `tenant` narrows it.
    public func list(status: String?, tenant: String?, limit: Int) async throws(PostgresError) -> [ApprovalRequestRecord] {
        // Stored status and expiry together decide the shown status (see ApprovalRequestRecord).
        let rows = try await pool.query("""
            SELECT \(ApprovalRequestRecord.columns) FROM approval_requests r
            WHERE ($2::text IS NULL OR r.tenant_id = $2::text)
              AND CASE $1::text
                    WHEN 'pending' THEN r.status = 'pending' AND r.expires_at > now()
                    WHEN 'approved' THEN r.status = 'approved' AND r.expires_at > now()
                    WHEN 'expired' THEN r.status = 'expired' OR (r.status IN ('pending', 'approved') AND r.expires_at <= now())
                    WHEN 'rejected' THEN r.status = 'rejected'
                    WHEN 'used' THEN r.status = 'used'
                    ELSE true
                  END
            ORDER BY r.created_at DESC, r.id
            LIMIT $3
            """, [status.map { .text($0) }, tenant.map { .text($0) }, .int(Int64(limit))])
        var records: [ApprovalRequestRecord] = []
        for row in rows { records.append(try ApprovalRequestRecord(row)) }
        return records
    }
}
