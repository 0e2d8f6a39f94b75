import Audit
import Crypto
import Kit
import Postgres

/// The audit chain's head when a bundle is made, and the check that a later chain still
/// holds that row with that hash: a log rewritten after bundling (even with every hash
/// recomputed) no longer has the bundled head at its seq.
public struct AuditAnchor: Sendable, Equatable {
    public var seq: Int64
    public var hash: String

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }

    public static func head(pool: PostgresPool) async throws(EvidenceError) -> AuditAnchor {
        do {
            let row = try await pool.query("SELECT seq, hash FROM audit_chain_head").single()
            return AuditAnchor(seq: try row["seq"].int64(), hash: Hex.encode(try row["hash"].byteArray()))
        } catch {
            throw .database("\(error)")
        }
    }

    /// nil when the chain is intact and holds this head; otherwise what is wrong.
    public func problem(pool: PostgresPool) async throws(EvidenceError) -> String? {
        let verification: AuditVerification
        do {
            verification = try await AuditLog(pool: pool).verify()
        } catch {
            throw .database("\(error)")
        }
        if case .broken(let fault) = verification { return "the audit log is broken: \(fault)" }
        if seq == 0 { return nil }
        do {
            let rows = try await pool.query("SELECT hash FROM audit_log WHERE seq = $1", [.int(seq)])
            guard let row = rows.first else { return "the audit log has no row \(seq), the bundle's head" }
            let now = Hex.encode(try row["hash"].byteArray())
            return now == hash ? nil : "audit row \(seq) now hashes to \(now), the bundle recorded \(hash): the log was rewritten after bundling"
        } catch {
            throw .database("\(error)")
        }
    }
}
