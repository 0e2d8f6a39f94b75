import Postgres

/// The Postgres session advisory lock that elects the one replica running the workers.
///
/// Held on one leased session for as long as the replica leads. When the process dies its
/// connection closes, Postgres ends the session and the lock is free; the other replicas
/// try for it every `WorkerRunner.Settings.retryInterval`. Advisory locks are per database,
/// so deployments sharing a server but not a database do not contend.
public struct LeaderLock: Sendable, Equatable {
    /// "safemutW" in ASCII: one key for every replica of a deployment.
    public static let defaultKey: Int64 = 0x7361_6665_6D75_7457

    public let key: Int64

    public init(key: Int64 = Self.defaultKey) {
        self.key = key
    }

    /// Whether this very session holds the lock (a reconnected session does not), from
    /// `pg_locks`: a bigint key is split into classid (high 32 bits) and objid (low).
    static let heldSQL = """
        SELECT EXISTS (
            SELECT 1 FROM pg_locks
            WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
              AND classid::text::bigint = ($1::bigint >> 32) & 4294967295
              AND objid::text::bigint = $1::bigint & 4294967295
        ) AS held
        """

    /// The backend pid holding the lock in this database, if any (for status and tests).
    static let holderSQL = """
        SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid::text::bigint = ($1::bigint >> 32) & 4294967295
          AND objid::text::bigint = $1::bigint & 4294967295
        """

    /// Takes the lock if it is free (`pg_try_advisory_lock`).
    func tryAcquire(_ session: PostgresSession) async throws(PostgresError) -> Bool {
        try await session.tryAdvisoryLock(key)
    }

    func isHeld(by session: PostgresSession) async throws(PostgresError) -> Bool {
        try await session.query(Self.heldSQL, [.int(key)]).single()["held"].bool()
    }

    func release(_ session: PostgresSession) async {
        // A failure here means the connection is gone, which releases the lock as well.
        _ = try? await session.advisoryUnlock(key)
    }

    /// The backend pid of the session holding the lock, or nil when no one leads.
    public func holder(_ pool: PostgresPool) async throws(PostgresError) -> Int64? {
        try await pool.query(Self.holderSQL, [.int(key)]).first?["pid"].int64()
    }
}
