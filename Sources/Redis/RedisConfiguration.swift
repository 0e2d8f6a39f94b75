import Foundation

/// Where Redis is and how the client behaves, from `REDIS_URL`
/// (`redis://[[user]:password@]host[:port][/db]`).
public struct RedisConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// Upper bound on open connections (each owns one OS thread and carries
    /// many callers' commands pipelined; Redis runs commands one at a time, so
    /// a few connections are enough).
    public var maxConnections: Int
    /// Commands queued or in flight on one connection before callers wait.
    public var maxPipelineDepth: Int
    public var acquireTimeout: Duration
    public var connectTimeout: Duration
    /// Per-command send/receive timeout (`redisSetTimeout`).
    public var commandTimeout: Duration
    /// A reply larger than this fails with `replyTooLarge` (checked per 16 KiB read).
    public var maxReplyBytes: Int
    public var breaker: CircuitBreaker.Configuration

    public init(
        url: String,
        maxConnections: Int = 2,
        maxPipelineDepth: Int = 256,
        acquireTimeout: Duration = .seconds(2),
        connectTimeout: Duration = .milliseconds(500),
        commandTimeout: Duration = .milliseconds(500),
        maxReplyBytes: Int = 16 << 20,
        breaker: CircuitBreaker.Configuration = .init()
    ) throws(RedisError) {
        guard let components = URLComponents(string: url), components.scheme == "redis" else {
            throw RedisError(.invalidConfiguration, "REDIS_URL must look like redis://[user:password@]host:port/db (rediss:// is not supported)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RedisError(.invalidConfiguration, "REDIS_URL has no host")
        }
        let path = components.path.drop(while: { $0 == "/" })
        var database = 0
        if !path.isEmpty {
            guard let number = Int(path), number >= 0 else {
                throw RedisError(.invalidConfiguration, "REDIS_URL database must be a number, got \(path)")
            }
            database = number
        }
        guard maxConnections > 0 else { throw RedisError(.invalidConfiguration, "maxConnections must be at least 1") }
        guard maxPipelineDepth > 0 else { throw RedisError(.invalidConfiguration, "maxPipelineDepth must be at least 1") }
        self.host = host
        self.port = components.port ?? 6379
        let user = components.user.flatMap { $0.isEmpty ? nil : $0 }
        self.username = user
        self.password = components.password
        self.database = database
        self.maxConnections = maxConnections
        self.maxPipelineDepth = maxPipelineDepth
        self.acquireTimeout = acquireTimeout
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maxReplyBytes = maxReplyBytes
        self.breaker = breaker
    }
}
