import Crypto
import Kit
import Postgres

/// The durable allowlist: rows of `persisted_queries` for one environment. Lists travel as
/// one JSON parameter (`jsonb_array_elements_text`, `jsonb_to_recordset`), so a manifest of
/// any size is one bound statement, never SQL built from its text.
struct AllowlistPostgres: Sendable {
    let pool: PostgresPool
    let environment: String

    /// The session advisory lock that serializes writers of this environment's allowlist
    /// across replicas, so Postgres and Redis see changes in the same order.
    var writeLockKey: Int64 {
        let digest = SHA256Digest.hash(Array("safemut.persisted_queries.\(environment)".utf8))
        return digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    func entries(_ session: PostgresSession? = nil) async throws(PostgresError) -> [AllowlistEntry] {
        let rows = try await run(session, """
            SELECT hash, normalized_hash, operation_name, operation_type, source, added_by
            FROM persisted_queries WHERE environment = $1 ORDER BY hash
            """, [.text(environment)])
        var entries: [AllowlistEntry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            let type = try row["operation_type"].nonNull?.string()
            entries.append(AllowlistEntry(
                hash: try row["hash"].string(),
                normalizedHash: try row["normalized_hash"].nonNull?.string(),
                operationName: try row["operation_name"].nonNull?.string(),
                operationType: type.flatMap(ManifestOperationType.init(rawValue:)),
                source: try row["source"].string(),
                addedBy: try row["added_by"].nonNull?.string()))
        }
        return entries
    }

    /// Stored documents by exact hash.
    func bodies() async throws(PostgresError) -> [String: String] {
        let rows = try await pool.query(
            "SELECT hash, body FROM persisted_queries WHERE environment = $1 AND body IS NOT NULL", [.text(environment)])
        var bodies: [String: String] = [:]
        bodies.reserveCapacity(rows.count)
        for row in rows {
            bodies[try row["hash"].string()] = try row["body"].string()
        }
        return bodies
    }

    /// Inserts hashes without documents; returns those that were new.
    func insert(hashes: [String], source: String, addedBy: String?, _ session: PostgresSession) async throws(PostgresError) -> [String] {
        let rows = try await session.query("""
            INSERT INTO persisted_queries (environment, hash, source, added_by)
            SELECT $1, h, $3, $4 FROM jsonb_array_elements_text($2::jsonb) AS h
            ON CONFLICT (environment, hash) DO NOTHING
            RETURNING hash
            """, [.text(environment), .json(Self.jsonArray(hashes)), .text(source), addedBy.map { .text($0) }])
        return try rows.map { row throws(PostgresError) in try row["hash"].string() }
    }

    /// Deletes hashes; returns those that were there.
    func delete(hashes: [String], _ session: PostgresSession) async throws(PostgresError) -> [String] {
        let rows = try await session.query("""
            DELETE FROM persisted_queries
            WHERE environment = $1 AND hash IN (SELECT jsonb_array_elements_text($2::jsonb))
            RETURNING hash
            """, [.text(environment), .json(Self.jsonArray(hashes))])
        return try rows.map { row throws(PostgresError) in try row["hash"].string() }
    }

    /// Inserts or refreshes manifest operations (name, type, body and normalized hash).
    func upsert(_ operations: [ManifestOperation], source: String, addedBy: String?, _ session: PostgresSession) async throws(PostgresError) {
        guard !operations.isEmpty else { return }
        var json = "["
        for (index, operation) in operations.enumerated() {
            if index > 0 { json += "," }
            json += "{\"hash\":\(JSONText.quoted(operation.id)),\"name\":\(JSONText.quoted(operation.name)),"
            json += "\"type\":\(JSONText.quoted(operation.type.rawValue)),\"body\":\(JSONText.quoted(operation.body)),"
            json += "\"normalized\":\(JSONText.quoted(operation.normalizedHash))}"
        }
        json += "]"
        _ = try await session.query("""
            INSERT INTO persisted_queries (environment, hash, operation_name, operation_type, body, normalized_hash, source, added_by)
            SELECT $1, x.hash, x.name, x.type, x.body, x.normalized, $3, $4
            FROM jsonb_to_recordset($2::jsonb) AS x(hash text, name text, type text, body text, normalized text)
            ON CONFLICT (environment, hash) DO UPDATE
            SET operation_name = EXCLUDED.operation_name, operation_type = EXCLUDED.operation_type,
                body = EXCLUDED.body, normalized_hash = EXCLUDED.normalized_hash, updated_at = now()
            """, [.text(environment), .json(json), .text(source), addedBy.map { .text($0) }])
    }

    private func run(_ session: PostgresSession?, _ sql: String, _ parameters: [PostgresValue?]) async throws(PostgresError) -> PostgresRows {
        if let session { return try await session.query(sql, parameters) }
        return try await pool.query(sql, parameters)
    }

    /// A JSON array of strings (hashes are validated hex, but quoting keeps this safe for any text).
    static func jsonArray(_ strings: [String]) -> String {
        "[" + strings.map(JSONText.quoted).joined(separator: ",") + "]"
    }
}
