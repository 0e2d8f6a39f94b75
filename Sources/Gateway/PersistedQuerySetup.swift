import Config
import Logging
import PersistedQueries
import Telemetry

/// The allowlist store `serve` runs with: built when both Postgres and Redis are
/// configured (the durable and the shared set), loaded before the listener opens so the
/// first request already sees it, then refreshed in the background.
public enum PersistedQuerySetup {
    /// Nil without `database.url` and `redis.url`. Never fails: a store that cannot be read
    /// at start keeps an empty set, reports why in `GET /admin/persisted-queries`, and loads
    /// as soon as the refresher reaches it.
    public static func startStore(_ config: SafemutConfig, dependencies: Dependencies, logger: Logger) -> AllowlistStore? {
        guard let postgres = dependencies.postgres, let redis = dependencies.redis else { return nil }
        let store = AllowlistStore(postgres: postgres, redis: redis, environment: config.environment, logger: logger)
        let status = blockingWait { await store.reload() }
        if let error = status.lastError {
            logger.warning("persisted query allowlist not loaded at start; retrying in the background", metadata: ["error": "\(error)"])
        } else {
            logger.notice("persisted query allowlist loaded", metadata: [
                "pq.count": "\(status.count)", "pq.version": "\(status.version)", "pq.source": "\(status.source.rawValue)",
            ])
        }
        store.startRefresher()
        return store
    }

    /// The Apollo APQ registry: on the shared Redis, so a hash one replica registered is
    /// served by every replica. Nil without `redis.url` or with `pq.apq.enabled: false`
    /// (then every hash-only request the allowlist cannot serve is PersistedQueryNotFound).
    public static func apqRegistry(_ config: SafemutConfig, dependencies: Dependencies, logger: Logger) -> APQRegistry? {
        let pq = config.persistedQueries
        guard pq.apqEnabled, let redis = dependencies.redis else { return nil }
        return APQRegistry(
            redis: redis, environment: config.environment, ttlSeconds: max(1, Int64(pq.apqTTL.wholeMilliseconds / 1_000)),
            maxEntries: pq.apqMaxEntries, localCapacity: pq.apqLocalEntries, timeout: pq.apqTimeout, logger: logger)
    }

    /// Stops the refresher before the pools close (SIGTERM).
    public static func stop(_ store: AllowlistStore?) {
        guard let store else { return }
        blockingWait { await store.stopRefresher() }
    }
}
