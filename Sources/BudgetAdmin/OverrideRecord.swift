import Kit
import Contract
import Postgres

/// One row of `budget_overrides` as the admin API shows it.
///
/// `status` is what the override is now, not merely what the row says: an `active` or
/// `pending_approval` row whose `expires_at` has passed is `expired`, because the ledger
/// stops counting it at that instant whether or not anything rewrote the row.
struct OverrideRecord: Sendable, Equatable {
    var id: String
    var tenantID: String
    /// Exact, as Postgres holds it (`2.000`).
    var multiplier: String
    var note: String
    var status: String
    /// Whether the ledger applies it at this moment.
    var counts: Bool
    var requestedBy: String
    var approvedBy: String?
    var revokedBy: String?
    var createdAt: String
    var expiresAt: String
    var revokedAt: String?
    var remainingSeconds: Int64

    /// The select list every override statement returns (also after RETURNING).
    static let columns = """
        id::text AS id, tenant_id, budget_multiplier::text AS multiplier, note,
        CASE WHEN status IN ('active', 'pending_approval') AND expires_at <= now() THEN 'expired' ELSE status END AS status,
        (status = 'active' AND expires_at > now()) AS counts,
        requested_by, approved_by, revoked_by,
        \(SQLText.utc("created_at")) AS created_at_text,
        \(SQLText.utc("expires_at")) AS expires_at_text,
        \(SQLText.utc("revoked_at")) AS revoked_at_text,
        greatest(0, ceil(extract(epoch FROM expires_at - now())))::bigint AS remaining_seconds
        """

    init(_ row: PostgresRow) throws(PostgresError) {
        id = try row["id"].string()
        tenantID = try row["tenant_id"].string()
        multiplier = try row["multiplier"].string()
        note = try row["note"].string()
        status = try row["status"].string()
        counts = try row["counts"].bool()
        requestedBy = try row["requested_by"].string()
        approvedBy = try row["approved_by"].nonNull?.string()
        revokedBy = try row["revoked_by"].nonNull?.string()
        createdAt = try row["created_at_text"].string()
        expiresAt = try row["expires_at_text"].string()
        revokedAt = try row["revoked_at_text"].nonNull?.string()
        remainingSeconds = try row["remaining_seconds"].int64()
    }

    var json: JSONValue {
        .members([
            "id": .string(id),
            "tenant_id": .string(tenantID),
            "budget_multiplier": .number(multiplier),
            "note": .string(note),
            "status": .string(status),
            "counts": .bool(counts),
            "requested_by": .string(requestedBy),
            "approved_by": .optional(approvedBy),
            "created_at": .string(createdAt),
            "expires_at": .string(expiresAt),
            "remaining_seconds": .int(status == "active" || status == "pending_approval" ? remainingSeconds : 0),
            "revoked_at": .optional(revokedAt),
            "revoked_by": .optional(revokedBy),
        ])
    }

    /// What the audit row records of an override.
    var auditJSON: JSONValue {
        .members([
            "override_id": .string(id),
            "budget_multiplier": .number(multiplier),
            "status": .string(status),
            "expires_at": .string(expiresAt),
            "requested_by": .string(requestedBy),
            "approved_by": .optional(approvedBy),
        ])
    }
}
