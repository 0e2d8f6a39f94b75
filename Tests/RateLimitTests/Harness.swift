import Config
import Foundation
import Logging
import Metrics
import MetricsTestKit
import Redis
import TestSupport
@testable import RateLimit

/// The shared real Redis, a fresh tenant name per test (keys never collide), and limiters
/// with their own test metrics.
enum Harness {
    static let quiet = Logger(label: "test.rate", factory: { _ in SwiftLogNoOpLogHandler() })

    static func redis(_ server: RedisServer? = nil, breaker: CircuitBreaker.Configuration = .init()) async throws -> RedisClient {
        let url: String
        if let server {
            url = server.url
        } else {
            url = try await offPool { try DataServers.sharedRedis() }.url
        }
        return RedisClient(
            configuration: try RedisConfiguration(
                url: url, connectTimeout: .milliseconds(300), commandTimeout: .milliseconds(500), breaker: breaker),
            logger: quiet)
    }

    static func tenant(_ label: String = "t") -> String {
        "\(label)-\(UUID().uuidString.prefix(8))"
    }

    /// A config with one class for everyone: `tenantBurst` at `tenantRate`, `operationBurst` at `operationRate`.
    /// Slow default rates: a key lives until its bucket would be full, so a slow run still finds it.
    static func config(
        tenantBurst: Int = 10, tenantRate: String = "0.001", operationBurst: Int = 10, operationRate: String = "0.001",
        failMode: FailMode = .open, timeout: Duration = .seconds(5)
    ) -> RateLimitConfig {
        var config = RateLimitConfig()
        config.defaultClass = RateClassLimits(
            tenantPerSecond: TokenRate(parsing: tenantRate)!, tenantBurst: tenantBurst,
            operationPerSecond: TokenRate(parsing: operationRate)!, operationBurst: operationBurst)
        config.canaryTenants = []
        config.failMode = failMode
        config.timeout = timeout
        return config
    }

    static func limiter(_ redis: RedisClient, _ config: RateLimitConfig) -> (RateLimiter, TestMetrics) {
        let metrics = TestMetrics()
        return (RateLimiter(redis: redis, config: config, metrics: RateLimitMetrics(factory: metrics), logger: quiet), metrics)
    }

    /// The stored state of a bucket key, nil when the key is absent.
    static func state(_ redis: RedisClient, _ key: String) async throws -> TokenBucketMath.State? {
        let reply = try await redis.command("HMGET", key, "t", "l")
        guard let parts = reply.array, let tokens = parts[0].integer, let last = parts[1].integer else { return nil }
        return TokenBucketMath.State(tokens: tokens, last: last)
    }
}

extension TestMetrics {
    /// A counter's value, 0 when it was never created.
    func count(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        (try? expectCounter(label, dimensions).totalValue) ?? 0
    }
}
