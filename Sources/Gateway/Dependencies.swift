import Contract
import Admin
import Config
import Logging
import Postgres
import Redis
import Telemetry

/// The data stores the gateway talks to, when configured (`DATABASE_URL`,
/// `REDIS_URL`). Pools connect lazily: a store that is down at start-up
/// makes `/health/ready` report it, not the process fail.
public struct Dependencies: Sendable {
    public let postgres: PostgresPool?
    public let redis: RedisClient?

    public init(postgres: PostgresPool? = nil, redis: RedisClient? = nil) {
        self.postgres = postgres
        self.redis = redis
    }

    /// Pools for the URLs in `config`; a malformed URL is a start-up error naming the key.
    /// `faults`: the hook each client asks before a call (the chaos book's), when drills are possible.
    public init(_ config: SafemutConfig, logger: Logger, faults: ChaosSetup? = nil) throws(DependencyError) {
        var postgres: PostgresPool?
        var redis: RedisClient?
        if let url = config.database.url {
            do {
                postgres = PostgresPool(configuration: try PostgresConfiguration(url: url), logger: logger, faults: faults?.hook(.postgres))
            } catch {
                throw DependencyError(key: "database.url", message: error.message)
            }
        }
        if let url = config.redis.url {
            do {
                redis = RedisClient(configuration: try RedisConfiguration(url: url), logger: logger, faults: faults?.hook(.redis))
            } catch {
                throw DependencyError(key: "redis.url", message: error.message)
            }
        }
        self.init(postgres: postgres, redis: redis)
    }

    /// Pings each configured store, concurrently.
    public func check() async -> [DependencyCheck] {
        await withTaskGroup(of: DependencyCheck.self) { group in
            if let postgres {
                group.addTask { await Self.check("postgres") { try await postgres.ping() } }
            }
            if let redis {
                group.addTask { await Self.check("redis") { try await redis.ping() } }
            }
            var checks: [DependencyCheck] = []
            for await check in group { checks.append(check) }
            return checks.sorted { $0.name < $1.name }
        }
    }

    private static func check(_ name: String, _ ping: @Sendable () async throws -> Duration) async -> DependencyCheck {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let latency = try await ping()
            return DependencyCheck(name: name, up: true, latencyMicros: latency.wholeMicroseconds)
        } catch {
            return DependencyCheck(name: name, up: false, latencyMicros: (clock.now - start).wholeMicroseconds, error: "\(error)")
        }
    }

    /// Closes the pools (shutdown).
    public func close() {
        postgres?.close()
        redis?.close()
    }
}

/// A data-store URL that cannot be used.
public struct DependencyError: Error, CustomStringConvertible {
    public let key: String
    public let message: String
    public var description: String { "config error: \(key): \(message)" }
}
