import Foundation
import Logging
import Postgres
import Redis
import Synchronization

/// The persisted-query allowlist of one environment, in three tiers:
/// Postgres `persisted_queries` (durable), a Redis hash plus version key (shared by every
/// replica), and an immutable in-process snapshot that answers the hot path.
///
/// Reads (`contains`, `body(forHash:)`) never leave the process. The refresher checks the
/// Redis version at most once per interval and reloads when it moved; when Redis is down
/// the last snapshot stays in use and `status` says so. Writes go to Postgres, then Redis
/// (bumping the version), then this replica's snapshot, under a Postgres advisory lock so
/// writers on different replicas cannot interleave.
public final class AllowlistStore: AllowlistLookup, Sendable {
    public let environment: String
    let durable: AllowlistPostgres
    let shared: AllowlistRedis
    let logger: Logger
    let state: Mutex<State>
    let refresher = Mutex<Task<Void, Never>?>(nil)

    struct State {
        var snapshot = AllowlistSnapshot.empty
        var source = AllowlistStatus.Source.none
        var redisReachable = true
        var pendingPublish = false
        var lastRefresh: Date?
        var lastError: String?
    }

    public init(postgres: PostgresPool, redis: RedisClient, environment: String, logger: Logger = Logger(label: "safemut.pq")) {
        self.environment = environment
        self.durable = AllowlistPostgres(pool: postgres, environment: environment)
        self.shared = AllowlistRedis(redis: redis, environment: environment)
        self.logger = logger
        self.state = Mutex(State())
    }

    // MARK: Hot path (memory only)

    public func contains(exact: String) -> Bool {
        state.withLock { $0.snapshot.contains(exact: exact) }
    }

    public func contains(normalized: String) -> Bool {
        state.withLock { $0.snapshot.contains(normalized: normalized) }
    }

    public func body(forHash hash: String) -> String? {
        state.withLock { $0.snapshot.body(forHash: hash) }
    }

    public var count: Int { state.withLock { $0.snapshot.count } }

    /// The snapshot in use.
    public var snapshot: AllowlistSnapshot { state.withLock { $0.snapshot } }

    public var status: AllowlistStatus {
        let running = refresher.withLock { $0 != nil }
        return state.withLock { s in
            AllowlistStatus(
                version: s.snapshot.version, count: s.snapshot.count, source: s.source,
                redisReachable: s.redisReachable, pendingPublish: s.pendingPublish,
                lastRefresh: s.lastRefresh, lastError: s.lastError, refresherRunning: running)
        }
    }

    // MARK: Loading

    /// Loads the snapshot now: from Redis, publishing it from Postgres first if Redis holds
    /// no version (first start, or Redis restarted empty); from Postgres when Redis is down.
    /// Never throws: failures leave the previous snapshot and show in `status`.
    @discardableResult
    public func reload() async -> AllowlistStatus {
        do throws(AllowlistError) {
            if state.withLock({ $0.pendingPublish }) {
                try await republishUnderLock(onlyIfUnpublished: false)
            }
            var read = try await readShared()
            if read == nil {
                try await republishUnderLock(onlyIfUnpublished: true)
                read = try await readShared()
            }
            guard let (version, entries) = read else {
                throw .redis(RedisError(.protocolError, "allowlist still unpublished after publishing it"))
            }
            let bodies = await loadBodies()
            install(AllowlistSnapshot(version: version, entries: entries, bodies: bodies), source: .redis)
        } catch {
            switch error {
            case .redis(let redisError):
                noteRedisFailure(redisError)
                if state.withLock({ $0.source != .redis }) {
                    await loadFromPostgres(keepingVersion: true)
                }
            case .postgres, .invalidHash:
                // Redis answered but the set could not be republished from Postgres: keep the snapshot.
                state.withLock { $0.lastError = "\(error)" }
                logger.error("persisted query allowlist reload failed", metadata: ["error": "\(error)"])
            }
        }
        return status
    }

    func readShared() async throws(AllowlistError) -> (version: Int64, entries: [String: String?])? {
        do {
            return try await shared.read()
        } catch {
            throw .redis(error)
        }
    }

    /// One refresher tick: a single `GET` of the version, and a reload only when it moved
    /// (or a publish is pending). Returns whether the snapshot was reloaded. A subscriber to
    /// the `…:changed` channel can call this to refresh sooner than the poll.
    @discardableResult
    public func refreshIfChanged() async -> Bool {
        let (held, pending, source) = state.withLock { ($0.snapshot.version, $0.pendingPublish, $0.source) }
        do throws(RedisError) {
            let published = try await shared.version()
            if published == held, !pending, source == .redis {
                state.withLock { s in
                    s.redisReachable = true
                    s.lastRefresh = Date()
                    s.lastError = nil
                }
                return false
            }
        } catch {
            noteRedisFailure(error)
            return false
        }
        let status = await reload()
        return status.source == .redis && status.redisReachable
    }

    /// Replaces the snapshot with Postgres's set (Redis unreachable). `keepingVersion` keeps
    /// the held Redis version so the next successful poll still notices any change.
    func loadFromPostgres(keepingVersion: Bool) async {
        do {
            let entries = try await durable.entries()
            let bodies = try await durable.bodies()
            let version = keepingVersion ? state.withLock { $0.snapshot.version } : 0
            let map = Dictionary(entries.map { ($0.hash, $0.normalizedHash) }, uniquingKeysWith: { first, _ in first })
            install(AllowlistSnapshot(version: version, entries: map, bodies: bodies), source: .postgres)
        } catch {
            state.withLock { $0.lastError = "Postgres: \(error.message)" }
            logger.error("cannot load persisted query allowlist from Postgres", metadata: ["error": "\(error)"])
        }
    }

    /// Documents from Postgres; on failure the held ones are kept (an APQ hash-only request
    /// for a new entry then gets PERSISTED_QUERY_NOT_FOUND and the client resends the body).
    private func loadBodies() async -> [String: String] {
        do {
            return try await durable.bodies()
        } catch {
            logger.warning("cannot load persisted query documents", metadata: ["error": "\(error)"])
            return state.withLock { $0.snapshot.bodies }
        }
    }

    private func install(_ snapshot: AllowlistSnapshot, source: AllowlistStatus.Source) {
        state.withLock { s in
            // A reload that raced a newer one must not roll the snapshot back.
            guard source != .redis || s.source != .redis || snapshot.version >= s.snapshot.version else { return }
            s.snapshot = snapshot
            s.source = source
            s.lastRefresh = Date()
            if source == .redis {
                s.redisReachable = true
                s.lastError = nil
            }
        }
    }

    func noteRedisFailure(_ error: RedisError) {
        let first = state.withLock { s -> Bool in
            defer {
                s.redisReachable = false
                s.lastError = "Redis: \(error)"
            }
            return s.redisReachable
        }
        if first {
            logger.error("persisted query allowlist: Redis unreachable, serving the last snapshot", metadata: ["error": "\(error)"])
        }
    }
}
