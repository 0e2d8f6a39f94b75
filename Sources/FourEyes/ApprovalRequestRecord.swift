import Contract
import Postgres
import Kit

/// One four-eyes request as the admin API shows it, with the decisions it gathered.
///
/// `status` is what the request is now: a `pending` or `approved` row whose expiry has
/// passed is `expired`, whether or not anything rewrote the row.
public struct ApprovalRequestRecord: Sendable, Equatable {
    public var id: String
    public var tenantID: String
    public var requesterID: String
    public var operationName: String?
    public var documentHash: String
    public var variablesHash: String
    /// Exact, as Postgres holds it (`0.500000`).
    public var estimatedUSD: String
    public var estimatedTokens: Int64
    public var reasons: JSONValue
    public var riskTags: [String]
    public var targetTenants: [String]
    public var status: String
    public var createdAt: String
    public var expiresAt: String
    public var approvedAt: String?
    public var usedAt: String?
    /// Seconds from the request to its second approval.
    public var secondsToApprove: Int64?
    public var decisions: [Decision]

    public struct Decision: Sendable, Equatable {
        public var approverID: String
        public var roles: [String]
        public var decision: String
        public var note: String?
        public var createdAt: String
    }

    /// The select list of every statement that returns a request (`r` is approval_requests).
    static let columns = """
        r.id::text AS id, r.tenant_id, r.requester_id, r.operation_name, r.document_hash, r.variables_hash,
        r.estimated_usd::text AS estimated_usd, r.estimated_tokens, r.reasons::text AS reasons,
        array_to_json(r.risk_tags)::text AS risk_tags, array_to_json(r.target_tenants)::text AS target_tenants,
        CASE WHEN r.status IN ('pending', 'approved') AND r.expires_at <= now() THEN 'expired' ELSE r.status END AS status,
        \(SQLText.utc("r.created_at")) AS created_at_text,
        \(SQLText.utc("r.expires_at")) AS expires_at_text,
        \(SQLText.utc("r.approved_at")) AS approved_at_text,
        \(SQLText.utc("r.used_at")) AS used_at_text,
        floor(extract(epoch FROM r.approved_at - r.created_at))::bigint AS seconds_to_approve,
        coalesce((SELECT json_agg(json_build_object(
                    'approver_id', a.approver_id, 'roles', a.approver_roles, 'decision', a.decision, 'note', a.note,
                    'created_at', \(SQLText.utc("a.created_at"))) ORDER BY a.created_at, a.approver_id)
                  FROM approvals a WHERE a.tenant_id = r.tenant_id AND a.request_id = r.id), '[]')::text AS decisions
        """

    init(_ row: PostgresRow) throws(PostgresError) {
        id = try row["id"].string()
        tenantID = try row["tenant_id"].string()
        requesterID = try row["requester_id"].string()
        operationName = try row["operation_name"].nonNull?.string()
        documentHash = try row["document_hash"].string()
        variablesHash = try row["variables_hash"].string()
        estimatedUSD = try row["estimated_usd"].string()
        estimatedTokens = try row["estimated_tokens"].int64()
        reasons = try Self.json(row["reasons"])
        riskTags = try Self.json(row["risk_tags"]).arrayValue?.compactMap(\.stringValue) ?? []
        targetTenants = try Self.json(row["target_tenants"]).arrayValue?.compactMap(\.stringValue) ?? []
        status = try row["status"].string()
        createdAt = try row["created_at_text"].string()
        expiresAt = try row["expires_at_text"].string()
        approvedAt = try row["approved_at_text"].nonNull?.string()
        usedAt = try row["used_at_text"].nonNull?.string()
        secondsToApprove = try row["seconds_to_approve"].nonNull?.int64()
        decisions = []
        for element in try Self.json(row["decisions"]).arrayValue ?? [] {
            decisions.append(Decision(
                approverID: element["approver_id"]?.stringValue ?? "",
                roles: element["roles"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                decision: element["decision"]?.stringValue ?? "",
                note: element["note"]?.stringValue,
                createdAt: element["created_at"]?.stringValue ?? ""))
        }
    }

    private static func json(_ cell: PostgresCell) throws(PostgresError) -> JSONValue {
        let bytes = try cell.jsonBytes()
        do throws(JSONParseError) {
            return try JSONValue.parse(bytes)
        } catch {
            throw PostgresError(.decoding, message: "approval request column is not JSON: \(error.explanation)")
        }
    }

    /// The ids of the people who approved (not rejected).
    public var approvers: [String] { decisions.filter { $0.decision == "approve" }.map(\.approverID) }

    public var json: JSONValue {
        .members([
            "id": .string(id),
            "tenant_id": .string(tenantID),
            "requester_id": .string(requesterID),
            "operation_name": .optional(operationName),
            "document_hash": .string(documentHash),
            "variables_hash": .string(variablesHash),
            "estimated_usd": .number(estimatedUSD),
            "estimated_tokens": .int(estimatedTokens),
            "reasons": reasons,
            "risk_tags": .strings(riskTags),
            "target_tenants": .strings(targetTenants),
            "status": .string(status),
            "approvals_needed": .int(max(0, 2 - Set(approvers).count)),
            "approvals": .array(decisions.map { decision in
                .members([
                    "approver_id": .string(decision.approverID),
                    "roles": .strings(decision.roles),
                    "decision": .string(decision.decision),
                    "note": .optional(decision.note),
                    "created_at": .string(decision.createdAt),
                ])
            }),
            "created_at": .string(createdAt),
            "expires_at": .string(expiresAt),
            "approved_at": .optional(approvedAt),
            "used_at": .optional(usedAt),
        ])
    }
}
