import Postgres

extension AuditLog {
    /// The row `audit_log_verify()` names, with what is wrong with it.
    static let fault = """
        SELECT r.seq, r.created_at, r.action, p.seq AS previous_seq,
               CASE
                   WHEN p.seq IS DISTINCT FROM (CASE WHEN r.seq = 1 THEN NULL ELSE r.seq - 1 END) THEN 'gap'
                   WHEN r.prev_hash <> coalesce(p.hash, sha256(convert_to('safemut audit genesis', 'UTF8'))) THEN 'previous'
                   ELSE 'content'
               END AS fault
        FROM audit_log r
        LEFT JOIN LATERAL (SELECT seq, hash FROM audit_log WHERE seq < r.seq ORDER BY seq DESC LIMIT 1) p ON true
        WHERE r.seq = $1
        """

    static let tail = """
        SELECT h.seq AS head_seq, h.hash AS head_hash, l.seq AS last_seq, l.hash AS last_hash, l.created_at, l.action
        FROM audit_chain_head h
        LEFT JOIN LATERAL (SELECT seq, hash, created_at, action FROM audit_log ORDER BY seq DESC LIMIT 1) l ON true
        """

    /// Walks the whole chain (recomputing every hash in SQL with `audit_log_verify()`) and
    /// checks its end against the chain head, in one snapshot so concurrent appends do not
    /// disturb it. Names the first bad row, or reports the length and head hash.
    public func verify() async throws -> AuditVerification {
        try await pool.transaction(isolation: .repeatableRead) { session in
            let bad = try await session.query("SELECT audit_log_verify() AS bad_seq").single()["bad_seq"].nonNull?.int64()
            if let bad {
                let row = try await session.query(Self.fault, [.int(bad)]).single()
                let fault: AuditChainBreak.Fault
                switch try row["fault"].string() {
                case "gap":
                    let previous = try row["previous_seq"].nonNull?.int64() ?? 0
                    fault = .missingRows(from: previous + 1, to: bad - 1)
                case "previous":
                    fault = .previousHashMismatch
                default:
                    fault = .contentAltered
                }
                return .broken(AuditChainBreak(
                    seq: bad, action: try row["action"].string(), createdAtMicros: try row["created_at"].timestampMicros(), fault: fault))
            }
            let tail = try await session.query(Self.tail).single()
            let headSeq = try tail["head_seq"].int64()
            let headHash = try tail["head_hash"].byteArray()
            let lastSeq = try tail["last_seq"].nonNull?.int64() ?? 0
            let lastHash = try tail["last_hash"].nonNull?.byteArray()
            // An empty chain's head is the genesis hash at seq 0.
            if headSeq == lastSeq && (lastHash == nil || lastHash == headHash) {
                return .intact(length: lastSeq, headHash: headHash)
            }
            if lastSeq >= headSeq {
                // The last row (or one past the head) is where rows and head disagree.
                let seq = lastSeq > headSeq ? headSeq + 1 : lastSeq
                let record = try await session.query("SELECT created_at, action FROM audit_log WHERE seq = $1", [.int(seq)]).first
                return .broken(AuditChainBreak(
                    seq: seq, action: try record?["action"].string(), createdAtMicros: try record?["created_at"].timestampMicros(),
                    fault: .headMismatch(headSeq: headSeq, lastSeq: lastSeq)))
            }
            // Rows after lastSeq are gone: the first missing one is the first bad seq.
            return .broken(AuditChainBreak(
                seq: lastSeq + 1, action: nil, createdAtMicros: nil, fault: .headMismatch(headSeq: headSeq, lastSeq: lastSeq)))
        }
    }
}
