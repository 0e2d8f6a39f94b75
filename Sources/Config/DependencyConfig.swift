// Addresses of the services the gateway talks to besides the upstream. Each is
// optional here; the features that need one fail at start when it is missing.

/// Postgres for the ledger, approvals and audit log (`database.url`, env `DATABASE_URL`).
public struct DatabaseConfig: Sendable, Equatable {
    /// A `postgres://` or `postgresql://` URL, as libpq accepts it.
    public var url: String?

    public init(url: String? = nil) {
        self.url = url
    }
}

/// Redis for rate limiting (`redis.url`, env `REDIS_URL`).
public struct RedisConfig: Sendable, Equatable {
    /// A `redis://[user:password@]host[:port][/db]` URL.
    public var url: String?

    public init(url: String? = nil) {
        self.url = url
    }
}

/// The Prometheus query API canary escalation reads (`promql.url`, env `PROMQL_URL`).
public struct PromQLConfig: Sendable, Equatable {
    /// An `http://` or `https://` base URL.
    public var url: String?

    public init(url: String? = nil) {
        self.url = url
    }
}
