import Postgres

/// The append-only, hash-chained audit log in Postgres (`audit_log`).
///
/// Appending is one INSERT; the BEFORE INSERT trigger locks the chain head, numbers the
/// row and hashes it, so appends from every replica (and from psql) form one chain.
/// Append inside the transaction that makes the change (`append(_:in:)`) so a change is
/// never committed without its record.
public final class AuditLog: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let insert = """
        INSERT INTO audit_log (action, details, reason, created_by, tenant_id, correlation_id)
        VALUES ($1, $2::jsonb, $3, $4, $5, $6) RETURNING seq
        """

    static func parameters(_ entry: AuditEntry) -> [PostgresValue?] {
        [
            .text(entry.action), .json(entry.details.serialized), entry.reason.map { .text($0) }, .text(entry.actor),
            entry.tenant.map { .text($0) }, entry.correlationID.map { .text($0) },
        ]
    }

    /// Appends `entry` on its own; returns its sequence number.
    @discardableResult
    public func append(_ entry: AuditEntry) async throws(PostgresError) -> Int64 {
        try await pool.query(Self.insert, Self.parameters(entry)).single()["seq"].int64()
    }

    /// Appends `entry` in `session` (inside the caller's transaction).
    @discardableResult
    public func append(_ entry: AuditEntry, in session: PostgresSession) async throws(PostgresError) -> Int64 {
        try await session.query(Self.insert, Self.parameters(entry)).single()["seq"].int64()
    }
}
