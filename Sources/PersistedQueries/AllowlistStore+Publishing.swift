import Postgres
import Redis

/// Redis holds derived state: these put Postgres's set back into it, always under the
/// environment's write lock so a republish cannot overwrite a concurrent writer's change.
extension AllowlistStore {
    /// Publishes the whole durable set to Redis; the caller holds the write lock on `session`.
    func republish(onlyIfUnpublished: Bool, session: PostgresSession) async throws(AllowlistError) {
        let entries: [AllowlistEntry]
        do {
            entries = try await durable.entries(session)
        } catch {
            throw .postgres(error)
        }
        let version: Int64
        do {
            version = try await shared.publish(entries.map { ($0.hash, $0.normalizedHash) }, onlyIfUnpublished: onlyIfUnpublished)
        } catch {
            throw .redis(error)
        }
        state.withLock { $0.pendingPublish = false }
        logger.info("published persisted query allowlist", metadata: [
            "pq.environment": "\(environment)", "pq.version": "\(version)", "pq.count": "\(entries.count)",
        ])
    }

    /// `republish` after taking the write lock.
    func republishUnderLock(onlyIfUnpublished: Bool) async throws(AllowlistError) {
        try await underWriteLock { session throws(AllowlistError) in
            try await self.republish(onlyIfUnpublished: onlyIfUnpublished, session: session)
        }
    }

    /// Compares Redis with Postgres and republishes when they differ (a write whose publish
    /// failed on a process that then exited, a Redis restored from an old dump, a hand edit).
    /// Returns whether it republished. The refresher runs this every `reconcileInterval`.
    @discardableResult
    public func reconcile() async throws(AllowlistError) -> Bool {
        try await underWriteLock { session throws(AllowlistError) -> Bool in
            let durableEntries: [AllowlistEntry]
            do throws(PostgresError) {
                durableEntries = try await self.durable.entries(session)
            } catch {
                throw .postgres(error)
            }
            let expected = Dictionary(durableEntries.map { ($0.hash, $0.normalizedHash) }, uniquingKeysWith: { first, _ in first })
            let published = try await self.readShared()
            guard published?.entries != expected else { return false }
            self.logger.warning("persisted query allowlist in Redis differs from Postgres; republishing", metadata: [
                "pq.environment": "\(self.environment)",
                "pq.redis_count": "\(published?.entries.count ?? 0)", "pq.postgres_count": "\(expected.count)",
            ])
            try await self.republish(onlyIfUnpublished: false, session: session)
            return true
        }
    }

    /// Runs `body` holding the environment's write lock (a Postgres session advisory lock).
    func underWriteLock<T: Sendable>(_ body: (PostgresSession) async throws(AllowlistError) -> T) async throws(AllowlistError) -> T {
        do {
            return try await durable.pool.withAdvisoryLock(durable.writeLockKey) { session in try await body(session) }
        } catch let error as AllowlistError {
            throw error
        } catch let error as PostgresError {
            throw .postgres(error)
        } catch {
            throw .postgres(PostgresError(.server, message: "\(error)"))
        }
    }
}
