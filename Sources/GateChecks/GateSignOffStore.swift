import Gates
import Postgres

/// `gate_signoffs` (migration 0014): who signed which gate of which release, in which role.
public struct GateSignOffStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Records (or re-records, with the new note and role) a person's sign-off.
    public func record(_ signOff: GateSignOff, in session: PostgresSession) async throws(PostgresError) -> Int64 {
        let row = try await session.query("""
            INSERT INTO gate_signoffs (gate, release, person, role, note)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (gate, release, person) DO UPDATE SET role = excluded.role, note = excluded.note, signed_at = now()
            RETURNING (extract(epoch FROM signed_at) * 1000000)::bigint AS at
            """, [.text(signOff.gate), .text(signOff.release), .text(signOff.person), .text(signOff.role), .text(signOff.note)]).single()
        return try row["at"].int64()
    }

    public func list(gate: String, release: String) async throws(PostgresError) -> [GateSignOff] {
        let rows = try await pool.query("""
            SELECT person, role, note, (extract(epoch FROM signed_at) * 1000000)::bigint AS at
            FROM gate_signoffs WHERE gate = $1 AND release = $2 ORDER BY signed_at, person
            """, [.text(gate), .text(release)])
        var out: [GateSignOff] = []
        for row in rows {
            out.append(GateSignOff(
                gate: gate, release: release, person: try row["person"].string(), role: try row["role"].string(),
                note: try row["note"].string(), signedAtMicros: try row["at"].int64()))
        }
        return out
    }
}

/// Matches sign-offs to the roles a gate needs, one distinct person per role. A person has
/// one sign-off row per gate and release (the table's key), in one role, so a greedy pass
/// is exact: each needed role takes the earliest unused sign-off in that role.
enum SignOffMatching {
    static func assign(roles: [String], signOffs: [GateSignOff]) -> (filled: [GateSignOff], missing: [String]) {
        var used = Set<Int>()
        var filled: [GateSignOff] = []
        var missing: [String] = []
        for role in roles {
            if let index = signOffs.indices.first(where: { !used.contains($0) && signOffs[$0].role == role }) {
                used.insert(index)
                filled.append(signOffs[index])
            } else {
                missing.append(role)
            }
        }
        return (filled, missing)
    }
}
