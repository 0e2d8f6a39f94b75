import Foundation
import Logging
import Migrations
import Postgres
import Redis
import TestSupport
@testable import PersistedQueries

/// Real Postgres and Redis from the harness: a fresh migrated database per test, and a
/// unique environment name per test so Redis keys never collide on the shared server.
struct StoreHarness: Sendable {
    static let quiet = MigratedDatabase.quietLogger("test.pq")

    let postgresURL: String
    let redisURL: String
    let environment: String

    /// A migrated database on the shared Postgres, and `redis` (the shared one unless given).
    static func make(redis: RedisServer? = nil) async throws -> StoreHarness {
        let (url, pool) = try await MigratedDatabase.make(prefix: "pq", maxConnections: 2, logger: quiet)
        defer { pool.close() }
        let server: RedisServer
        if let redis {
            server = redis
        } else {
            server = try await offPool { try DataServers.sharedRedis() }
        }
        return StoreHarness(postgresURL: url, redisURL: server.url, environment: "test-\(UUID().uuidString.prefix(8))")
    }

    /// One "replica": its own Postgres pool and Redis client, like a separate process.
    func replica(environment: String? = nil) throws -> Replica {
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: postgresURL, maxConnections: 3))
        // Short timeouts so a killed Redis is noticed quickly; a short breaker cool-down so it is retried soon.
        let redisConfiguration = try RedisConfiguration(
            url: redisURL, connectTimeout: .milliseconds(200), commandTimeout: .milliseconds(300),
            breaker: .init(failureThreshold: 2, coolDown: .milliseconds(300)))
        let redis = RedisClient(configuration: redisConfiguration)
        let store = AllowlistStore(postgres: pool, redis: redis, environment: environment ?? self.environment, logger: Self.quiet)
        return Replica(store: store, pool: pool, redis: redis)
    }

    /// A plain client for inspecting and tampering with the Redis keys.
    func rawRedis() throws -> RedisClient {
        RedisClient(configuration: try RedisConfiguration(url: redisURL))
    }

    var entriesKey: String { "safemut:pq:{\(environment)}:entries" }
    var versionKey: String { "safemut:pq:{\(environment)}:version" }
}

struct Replica: Sendable {
    let store: AllowlistStore
    let pool: PostgresPool
    let redis: RedisClient

    func close() async {
        await store.stopRefresher()
        redis.close()
        pool.close()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; returns the time taken, or nil.
func waitFor(timeout: Duration, _ condition: () async -> Bool) async -> Duration? {
    let clock = ContinuousClock()
    let start = clock.now
    while clock.now - start < timeout {
        if await condition() { return clock.now - start }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition() ? clock.now - start : nil
}

/// A random well-formed hash.
func randomHash() -> String {
    DocumentHash.exact(UUID().uuidString)
}

/// The Redis hash as a dictionary (exact → normalized, "" for none).
func redisEntries(_ redis: RedisClient, _ key: String) async throws -> [String: String] {
    let reply = try await redis.command("HGETALL", key)
    let flat = reply.array ?? []
    var result: [String: String] = [:]
    var index = 0
    while index + 1 < flat.count {
        result[flat[index].string ?? ""] = flat[index + 1].string ?? ""
        index += 2
    }
    return result
}
