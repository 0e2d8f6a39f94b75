import Config
import Logging
import RateLimit
import Redis

/// The rate limiter `serve` runs with, on the shared Redis client (whose breaker is the one
/// `redis_circuit_state` shows).
public enum RateLimitSetup {
    /// With Redis the limiter is always built, so SIGHUP can turn `rate.enabled` on and off.
    /// Without Redis: `fail_mode: closed` promises that no mutation passes unchecked, which
    /// cannot be kept, so start-up fails naming `redis.url`; `open` already means "admit
    /// when Redis cannot answer", so the gateway starts with a warning (like the ledger
    /// without `database.url`), which keeps the Redis-less demo and local runs working.
    public static func make(_ config: SafemutConfig, redis: RedisClient?, logger: Logger) throws(DependencyError) -> RateLimiter? {
        guard let redis else {
            guard config.rate.enabled else { return nil }
            if config.rate.failMode == .closed {
                throw DependencyError(
                    key: "redis.url", message: "required while rate.enabled is true and rate.fail_mode is closed (or set rate.enabled: false)")
            }
            logger.warning("rate limit off: redis.url is not set, so mutations are not rate-limited (rate.fail_mode is open)")
            return nil
        }
        return RateLimiter(redis: redis, config: config.rate, logger: logger)
    }
}
