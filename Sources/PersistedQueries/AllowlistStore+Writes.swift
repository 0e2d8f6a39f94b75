import Postgres
import Redis

/// How `load(manifest:)` treats live entries the manifest does not hold.
public enum AllowlistLoadMode: String, Sendable, Hashable {
    /// Add the manifest's operations; keep everything else (`POST /admin/persisted-queries/allowlist`).
    case merge
    /// Make the allowlist exactly the manifest (`safemut pq sync`).
    case replace
}

/// What `load(manifest:)` did.
public struct AllowlistLoadResult: Sendable, Hashable {
    /// The changes applied (in `merge` mode `removed` is empty) and the drift seen.
    public var diff: AllowlistDiff
    /// Whether Redis (so every replica) has it; see `AllowlistChange.published`.
    public var published: Bool
}

extension AllowlistStore {
    /// Adds hashes without documents (the admin API's `{"hashes":[…],"action":"add"}`).
    /// Hashes are lowercased; anything but 64 hex characters is refused before any write.
    public func add(hashes: [String], source: String = "admin", addedBy: String? = nil) async throws(AllowlistError) -> AllowlistChange {
        let wanted = try Self.validated(hashes)
        let (added, published) = try await write { session throws(PostgresError) in
            let added = wanted.isEmpty ? [] : try await durable.insert(hashes: wanted, source: source, addedBy: addedBy, session)
            return (added, RedisDelta(upserts: added.map { ($0, nil) }, deletes: []))
        }
        let addedSet = Set(added)
        return AllowlistChange(changed: wanted.filter(addedSet.contains), unchanged: wanted.filter { !addedSet.contains($0) }, published: published)
    }

    /// Removes hashes (`"action":"remove"`).
    public func remove(hashes: [String]) async throws(AllowlistError) -> AllowlistChange {
        let wanted = try Self.validated(hashes)
        let (removed, published) = try await write { session throws(PostgresError) in
            let removed = wanted.isEmpty ? [] : try await durable.delete(hashes: wanted, session)
            return (removed, RedisDelta(upserts: [], deletes: removed))
        }
        let removedSet = Set(removed)
        return AllowlistChange(changed: wanted.filter(removedSet.contains), unchanged: wanted.filter { !removedSet.contains($0) }, published: published)
    }

    /// Loads a parsed (and, where required, verified: `ManifestTrust.open`) manifest.
    public func load(
        manifest: PersistedQueryManifest,
        mode: AllowlistLoadMode = .merge,
        source: String = "manifest",
        addedBy: String? = nil
    ) async throws(AllowlistError) -> AllowlistLoadResult {
        let (diff, published) = try await write { session throws(PostgresError) in
            var diff = AllowlistDiff(live: try await durable.entries(session), manifest: manifest)
            if mode == .merge { diff.removed = [] }
            try await durable.upsert(manifest.operations, source: source, addedBy: addedBy, session)
            let removed = diff.removed.isEmpty ? [] : try await durable.delete(hashes: diff.removed.map(\.hash), session)
            if mode == .replace {
                // The whole set is republished, so re-running a sync also repairs a Redis
                // that missed an earlier one.
                return (diff, RedisDelta(upserts: [], deletes: [], fullPublish: true))
            }
            // Unchanged ids are set again too: it is idempotent and fills in the normalized
            // hash of an entry first added without its document.
            return (diff, RedisDelta(upserts: manifest.operations.map { ($0.id, $0.normalizedHash) }, deletes: removed))
        }
        return AllowlistLoadResult(diff: diff, published: published)
    }

    /// What `load(manifest:, mode: .replace)` would change, against the durable set.
    public func diff(manifest: PersistedQueryManifest) async throws(AllowlistError) -> AllowlistDiff {
        AllowlistDiff(live: try await entries(), manifest: manifest)
    }

    /// The durable set, by hash.
    public func entries() async throws(AllowlistError) -> [AllowlistEntry] {
        do {
            return try await durable.entries()
        } catch {
            throw .postgres(error)
        }
    }

    /// The entries that have documents, as a manifest sorted by name then id (entries added
    /// as bare hashes cannot be written: a manifest operation needs its body).
    public func exportManifest() async throws(AllowlistError) -> PersistedQueryManifest {
        do {
            let entries = try await durable.entries()
            let bodies = try await durable.bodies()
            let operations = entries.compactMap { entry -> ManifestOperation? in
                guard let body = bodies[entry.hash], let normalized = entry.normalizedHash,
                      let type = entry.operationType else { return nil }
                return ManifestOperation(id: entry.hash, name: entry.operationName ?? "", type: type, body: body, normalizedHash: normalized)
            }
            return PersistedQueryManifest(operations: operations).sorted()
        } catch {
            throw .postgres(error)
        }
    }

    // MARK: The write path

    /// A change to apply to the Redis hash.
    struct RedisDelta: Sendable {
        var upserts: [(hash: String, normalized: String?)]
        var deletes: [String]
        /// Publish the whole committed set instead of the delta.
        var fullPublish = false
        var isEmpty: Bool { upserts.isEmpty && deletes.isEmpty && !fullPublish }
    }

    /// Runs `change` in a Postgres transaction under the environment's advisory lock, then
    /// publishes its delta to Redis while still holding the lock, then refreshes this
    /// replica's snapshot. A Redis failure after the commit does not fail the write: it is
    /// durable, this replica serves it from Postgres, and the refresher republishes.
    private func write<T: Sendable>(
        _ change: (PostgresSession) async throws(PostgresError) -> (T, RedisDelta)
    ) async throws(AllowlistError) -> (T, published: Bool) {
        let outcome: (T, Bool)
        do {
            outcome = try await durable.pool.withAdvisoryLock(durable.writeLockKey) { session in
                let (value, delta) = try await session.transaction { transaction in try await change(transaction) }
                guard !delta.isEmpty else { return (value, true) }
                return (value, await self.publish(delta, session: session))
            }
        } catch let error as PostgresError {
            throw .postgres(error)
        } catch {
            throw .postgres(PostgresError(.server, message: "\(error)"))
        }
        if outcome.1 {
            await reload()
        } else {
            await loadFromPostgres(keepingVersion: true)
        }
        return outcome
    }

    /// Publishes a committed delta (the caller holds the write lock on `session`); false,
    /// and a pending republish, when Redis failed.
    private func publish(_ delta: RedisDelta, session: PostgresSession) async -> Bool {
        do throws(AllowlistError) {
            var version: Int64?
            if !delta.fullPublish {
                do {
                    version = try await shared.apply(set: delta.upserts, delete: delta.deletes)
                } catch {
                    throw .redis(error)
                }
            }
            // A full publish, or the set was unpublished (Redis restarted, so the hash would
            // hold only this delta): publish everything Postgres holds.
            if version == nil { try await republish(onlyIfUnpublished: false, session: session) }
            return true
        } catch {
            state.withLock { $0.pendingPublish = true }
            if case .redis(let redisError) = error { noteRedisFailure(redisError) }
            logger.error("persisted query allowlist saved but not published", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Deduplicated allowlist ids (`DocumentHash.allowlistID`: 64-hex ids lowercased,
    /// other opaque ids kept exactly); anything else is `invalidHash`.
    static func validated(_ hashes: [String]) throws(AllowlistError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for hash in hashes {
            guard let id = DocumentHash.allowlistID(hash) else { throw .invalidHash(hash) }
            if seen.insert(id).inserted { result.append(id) }
        }
        return result
    }
}
