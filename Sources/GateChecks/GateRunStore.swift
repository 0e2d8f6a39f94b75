import Audit
import Crypto
import Gates
import Kit
import Postgres

/// `gate_runs` (migration 0014) and the audit row each run writes, in one transaction:
/// a run is on record exactly when its audit entry is.
public struct GateRunStore: Sendable {
    let pool: PostgresPool
    let audit: AuditLog

    public init(pool: PostgresPool) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
    }

    /// A stored run: its id, the audit row, and the exact JSON text printed.
    public struct Stored: Sendable, Equatable {
        public var id: Int64
        public var auditSeq: Int64?
        public var runAtMicros: Int64
        public var overall: GateVerdict
        public var results: [UInt8]
    }

    /// Stores the run's JSON text and appends `gate.validate` to the audit log.
    public func record(_ run: GateRun, text: [UInt8]) async throws -> Stored {
        let overall = run.overall
        let details = JSONValue.object([
            JSONMember("overall", .string(overall.rawValue)),
            JSONMember("matrix_sha256", .string(run.matrixSHA256)),
            JSONMember("results_sha256", .string(SHA256Digest.hex(text))),
            JSONMember("release", run.release.map(JSONValue.string) ?? .null),
            JSONMember("gates", .object(run.results.map { JSONMember($0.id, .string($0.verdict.rawValue)) })),
        ])
        return try await pool.transaction { session in
            let seq = try await audit.append(
                AuditEntry(action: "gate.validate", actor: run.actor, reason: "go/no-go \(overall.rawValue)", details: details), in: session)
            let row = try await session.query("""
                INSERT INTO gate_runs (actor, release, matrix_sha256, overall, results, audit_seq)
                VALUES ($1, $2, $3, $4, $5, $6)
                RETURNING id, (extract(epoch FROM run_at) * 1000000)::bigint AS at
                """, [.text(run.actor), run.release.map { .text($0) }, .text(run.matrixSHA256), .text(overall.rawValue),
                      .text(String(decoding: text, as: UTF8.self)), .int(seq)]).single()
            return Stored(id: try row["id"].int64(), auditSeq: seq, runAtMicros: try row["at"].int64(), overall: overall, results: text)
        }
    }

    /// For each of `gates`, its verdict in the newest run (within `maxAgeMicros` of `nowMicros`)
    /// that evaluated it: "PASS", or "FAIL in gate run 12 (…reason)", or "no gate run in the
    /// last N s evaluated it" (what a cutover stage's promotion reads, `canary.gates`).
    public func standing(of gates: [String], maxAgeMicros: Int64, nowMicros: Int64) async throws(PostgresError) -> [String: String] {
        let rows = try await pool.query("""
            SELECT id, results FROM gate_runs
            WHERE run_at >= to_timestamp($1::double precision / 1000000) ORDER BY run_at DESC, id DESC LIMIT 200
            """, [.int(nowMicros - maxAgeMicros)])
        var out: [String: String] = [:]
        for row in rows {
            let id = try row["id"].int64()
            guard let run = try? JSONValue.parse(Array(try row["results"].string().utf8)) else { continue }
            for gate in run["gates"]?.arrayValue ?? [] {
                guard let name = gate["id"]?.stringValue, gates.contains(name), out[name] == nil,
                      let verdict = gate["verdict"]?.stringValue else { continue }
                out[name] = verdict == "PASS" ? "PASS" : "\(verdict) in gate run \(id) (\(gate["reason"]?.stringValue ?? ""))"
            }
        }
        for gate in gates where out[gate] == nil {
            out[gate] = "no gate run in the last \(maxAgeMicros / 1_000_000) s evaluated it"
        }
        return out
    }

    /// The newest run, or nil.
    public func latest() async throws(PostgresError) -> Stored? {
        let rows = try await pool.query("""
            SELECT id, audit_seq, (extract(epoch FROM run_at) * 1000000)::bigint AS at, overall, results
            FROM gate_runs ORDER BY run_at DESC, id DESC LIMIT 1
            """)
        guard let row = rows.first else { return nil }
        return Stored(
            id: try row["id"].int64(), auditSeq: try row["audit_seq"].nonNull?.int64(), runAtMicros: try row["at"].int64(),
            overall: GateVerdict(rawValue: try row["overall"].string()) ?? .inconclusive, results: Array(try row["results"].string().utf8))
    }
}
