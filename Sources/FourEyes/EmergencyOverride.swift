import Contract
import Audit
import Postgres
import Foundation
import Kit
import Synchronization

/// The rollback plan's emergency policy override: for its lifetime the relaxed four-eyes
/// rule applies (estimate ≤ $10 and no high-risk tag needs no approval).
///
/// TTL: at most 2 hours. The rollback plan deploys its relaxed bundle "with 4-hour TTL" but
/// also says "Emergency OPA bundle has 2-hour TTL maximum", and SPEC §2 says at most 2 hours;
/// we take the stricter figure. An operator who still needs it after 2 hours issues a new
/// one, with a new reason, which the audit log records.
public struct EmergencyOverride: Sendable, Equatable {
    public static let maxLifetimeMinutes: Int64 = 120

    public var id: String
    public var reason: String
    public var createdBy: String
    public var createdAt: String
    public var expiresAt: String
    /// Microseconds since 1970 of `expiresAt`, for the in-process check.
    public var expiresAtMicros: Int64
    public var revokedAt: String?
    public var revokedBy: String?

    static let columns = """
        id::text AS id, reason, created_by, revoked_by,
        \(SQLText.utc("created_at")) AS created_at_text,
        \(SQLText.utc("expires_at")) AS expires_at_text,
        \(SQLText.utc("revoked_at")) AS revoked_at_text,
        (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_at_micros
        """

    public init(
        id: String, reason: String, createdBy: String, createdAt: String, expiresAt: String, expiresAtMicros: Int64,
        revokedAt: String?, revokedBy: String?
    ) {
        self.id = id
        self.reason = reason
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.expiresAtMicros = expiresAtMicros
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    init(_ row: PostgresRow) throws(PostgresError) {
        id = try row["id"].string()
        reason = try row["reason"].string()
        createdBy = try row["created_by"].string()
        createdAt = try row["created_at_text"].string()
        expiresAt = try row["expires_at_text"].string()
        expiresAtMicros = try row["expires_at_micros"].int64()
        revokedAt = try row["revoked_at_text"].nonNull?.string()
        revokedBy = try row["revoked_by"].nonNull?.string()
    }

    /// Whether it relaxes the policy at `nowMicros` (microseconds since 1970).
    public func isActive(atMicros nowMicros: Int64) -> Bool {
        revokedAt == nil && nowMicros < expiresAtMicros
    }

    public func json(nowMicros: Int64) -> JSONValue {
        .members([
            "id": .string(id),
            "reason": .string(reason),
            "created_by": .string(createdBy),
            "created_at": .string(createdAt),
            "expires_at": .string(expiresAt),
            "active": .bool(isActive(atMicros: nowMicros)),
            "remaining_seconds": .int(max(0, (expiresAtMicros - nowMicros + 999_999) / 1_000_000)),
            "revoked_at": .optional(revokedAt),
            "revoked_by": .optional(revokedBy),
            "relaxes": .string("four-eyes for estimates <= $10.00 without a high-risk tag (bulk_delete, purge, cross_tenant_move, schema_change) and without another tenant"),
        ])
    }

    public static func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}

/// The live emergency override as this process knows it: read from Postgres once a
/// second by `FourEyesRefresher` and set at once by this process's own admin calls, so
/// the four-eyes step never waits on Postgres for it. Its expiry is checked on every use,
/// so an override stops relaxing the policy at `expires_at` even between refreshes.
public final class EmergencyOverrideState: Sendable {
    private let current = Mutex<EmergencyOverride?>(nil)

    public init() {}

    public var override: EmergencyOverride? { current.withLock { $0 } }

    public func set(_ override: EmergencyOverride?) {
        current.withLock { $0 = override }
    }

    /// Whether the relaxed rule applies now.
    public func isActive(atMicros nowMicros: Int64 = EmergencyOverride.nowMicros()) -> Bool {
        current.withLock { $0?.isActive(atMicros: nowMicros) ?? false }
    }
}

/// Emergency overrides in Postgres (`policy_emergency_overrides`, migration 0008).
public struct EmergencyOverrideStore: Sendable {
    let pool: PostgresPool
    let audit: AuditLog

    public init(pool: PostgresPool) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
    }

    /// The override in force (the one expiring last), or nil.
    public func live() async throws(PostgresError) -> EmergencyOverride? {
        let rows = try await pool.query("""
            SELECT \(EmergencyOverride.columns) FROM policy_emergency_overrides
            WHERE revoked_at IS NULL AND expires_at > now()
            ORDER BY expires_at DESC LIMIT 1
            """)
        return try rows.first.map { row throws(PostgresError) in try EmergencyOverride(row) }
    }

    /// Recent overrides, newest first (live and past), for the admin API.
    public func recent(limit: Int) async throws(PostgresError) -> [EmergencyOverride] {
        let rows = try await pool.query("""
            SELECT \(EmergencyOverride.columns) FROM policy_emergency_overrides ORDER BY created_at DESC, id LIMIT $1
            """, [.int(Int64(limit))])
        var overrides: [EmergencyOverride] = []
        for row in rows { overrides.append(try EmergencyOverride(row)) }
        return overrides
    }

    /// Starts one, audited in the same transaction.
    public func create(reason: String, minutes: Int64, actor: String, correlationID: String) async throws -> EmergencyOverride {
        try await pool.transaction { session in
            let row = try await session.query("""
                INSERT INTO policy_emergency_overrides (reason, created_by, expires_at)
                VALUES ($1, $2, now() + $3::bigint * interval '1 minute')
                RETURNING \(EmergencyOverride.columns)
                """, [.text(reason), .text(actor), .int(minutes)]).single()
            let override = try EmergencyOverride(row)
            try await audit.append(AuditEntry(
                action: "policy.emergency_override.create", actor: actor, correlationID: correlationID, reason: reason,
                details: .members([
                    "id": .string(override.id), "ttl_minutes": .int(minutes), "expires_at": .string(override.expiresAt),
                ])), in: session)
            return override
        }
    }

    /// Ends one early; nil when there is no such live override.
    public func revoke(_ id: UUID, actor: String, correlationID: String) async throws -> EmergencyOverride? {
        try await pool.transaction { session in
            let rows = try await session.query("""
                UPDATE policy_emergency_overrides SET revoked_at = now(), revoked_by = $2
                WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()
                RETURNING \(EmergencyOverride.columns)
                """, [.uuid(id), .text(actor)])
            guard let row = rows.first else { return nil }
            let override = try EmergencyOverride(row)
            try await audit.append(AuditEntry(
                action: "policy.emergency_override.revoke", actor: actor, correlationID: correlationID,
                reason: override.reason, details: .members(["id": .string(override.id)])), in: session)
            return override
        }
    }
}
