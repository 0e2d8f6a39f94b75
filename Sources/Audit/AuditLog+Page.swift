import Kit
import Postgres

/// One page of the audit log, oldest first.
public struct AuditPage: Sendable, Equatable {
    public var records: [AuditRecord]
    /// The `after_seq` that fetches the next page; nil when this page was the last.
    public var nextAfterSeq: Int64?
}

extension AuditLog {
    static let columns = "seq, created_at, action, details, reason, created_by, tenant_id, correlation_id, prev_hash, hash"

    static let page = """
        SELECT \(columns) FROM audit_log
        WHERE ($1::bigint IS NULL OR created_at >= timestamptz 'epoch' + $1::bigint * interval '1 microsecond')
          AND ($2::text IS NULL OR tenant_id = $2::text)
          AND seq > coalesce($3::bigint, 0)
        ORDER BY seq
        LIMIT $4::integer
        """

    /// The rows `query` selects (see `AuditPageQuery`).
    public func page(_ query: AuditPageQuery) async throws(PostgresError) -> AuditPage {
        let rows = try await pool.query(Self.page, [
            query.sinceMicros.map { .int($0) }, query.tenant.map { .text($0) }, query.afterSeq.map { .int($0) },
            .int(Int64(query.limit)),
        ])
        var records: [AuditRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows { records.append(try Self.record(row)) }
        let full = records.count == query.limit
        return AuditPage(records: records, nextAfterSeq: full ? records.last?.seq : nil)
    }

    /// The row with sequence number `seq`, if there is one.
    public func record(seq: Int64) async throws(PostgresError) -> AuditRecord? {
        let rows = try await pool.query("SELECT \(Self.columns) FROM audit_log WHERE seq = $1", [.int(seq)])
        guard let row = rows.first else { return nil }
        return try Self.record(row)
    }

    static func record(_ row: PostgresRow) throws(PostgresError) -> AuditRecord {
        let detailBytes = try row["details"].jsonBytes()
        let details: JSONValue
        do throws(JSONParseError) {
            details = try JSONValue.parse(detailBytes)
        } catch {
            // jsonb output always parses; keep the text rather than fail the page if it ever does not.
            details = .string(String(decoding: detailBytes, as: UTF8.self))
        }
        return AuditRecord(
            seq: try row["seq"].int64(),
            createdAtMicros: try row["created_at"].timestampMicros(),
            action: try row["action"].string(),
            details: details,
            reason: try row["reason"].nonNull?.string(),
            createdBy: try row["created_by"].string(),
            tenant: try row["tenant_id"].nonNull?.string(),
            correlationID: try row["correlation_id"].nonNull?.string(),
            prevHash: try row["prev_hash"].byteArray(),
            hash: try row["hash"].byteArray())
    }
}
