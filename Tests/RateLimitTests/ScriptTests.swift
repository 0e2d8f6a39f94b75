import Config
import Foundation
import Redis
import Testing
import TestSupport
@testable import RateLimit

/// The Lua script on a real redis-server.
@Suite("Token bucket script on Redis")
struct ScriptTests {
    static let token = TokenRate.microsPerToken

    @Test("a burst of N is admitted, the N+1st waits; keys are hash-tagged and expire once full again")
    func burstThenLimited() async throws {
        let redis = try await Harness.redis()
        let tenant = Harness.tenant()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config(tenantBurst: 3, tenantRate: "0.001", operationBurst: 10, operationRate: "0.001"))
        for _ in 0..<3 {
            #expect(await limiter.check(tenant: tenant, fields: ["createEntity"]) == .allowed)
        }
        let verdict = await limiter.check(tenant: tenant, fields: ["createEntity"])
        guard case .limited(let denial) = verdict else {
            Issue.record("expected limited, got \(verdict)")
            return
        }
        #expect(denial.scope == .tenant)
        #expect(denial.field == nil)
        #expect(denial.burst == 3)
        // A whole token at 0.001/s: 1000 s, less what refilled since the last take.
        #expect(denial.waitMicros > 900_000_000 && denial.waitMicros <= 1_000_000_000)
        #expect(denial.retryAfterSeconds == (denial.waitMicros + 999_999) / 1_000_000)
        #expect(metrics.count("rate_limit_checks_total", [("outcome", "allowed")]) == 3)
        #expect(metrics.count("rate_limit_checks_total", [("outcome", "limited")]) == 1)
        #expect(metrics.count("rate_limit_hits_total", [("tenant", "other"), ("scope", "tenant")]) == 1)

        let tenantKey = "safemut:rl:{\(tenant)}:t"
        let opKey = "safemut:rl:{\(tenant)}:op:createEntity"
        // Stored as of the last take; the few milliseconds since then refill nothing visible here.
        #expect(try await Harness.state(redis, tenantKey)?.tokens ?? -1 < Self.token / 100)
        let operationTokens = try await Harness.state(redis, opKey)?.tokens ?? -1
        #expect(operationTokens >= 7 * Self.token && operationTokens < 7 * Self.token + Self.token / 10)
        let ttl = try await redis.command("PTTL", tenantKey).integer ?? -1
        #expect(ttl > 2_900_000 && ttl <= 3_000_001, "three tokens at 0.001/s refill in 3000 s: \(ttl) ms")
    }

    @Test("the clock is Redis TIME: the stored refill instant lies between TIME before and after")
    func redisClock() async throws {
        let redis = try await Harness.redis()
        let tenant = Harness.tenant()
        let (limiter, _) = Harness.limiter(redis, Harness.config())
        let before = try await redis.timeMicros()
        #expect(await limiter.check(tenant: tenant, fields: []) == .allowed)
        let after = try await redis.timeMicros()
        let last = try #require(try await Harness.state(redis, RateLimitKeys.tenant(tenant))?.last)
        #expect(last >= before && last <= after)
    }

    // Bursts and rates keep each key's TTL (the time to refill fully) long, so a slow run
    // still finds the key it checks.
    @Test("planted states refill exactly as TokenBucketMath says", arguments: [
        (1_000, "2", Int64(0), Int64(500_000)),                // half a second at 2/s: exactly one token back
        (1_000, "0.5", Int64(200_000), Int64(2_000_000)),      // two seconds at 0.5/s plus 0.2 left
        (5, "0.001", Int64(0), Int64(10_000_000_000)),         // long idle: capped at the burst
    ])
    func plantedRefill(burst: Int, rate: String, tokens: Int64, idleMicros: Int64) async throws {
        let redis = try await Harness.redis()
        let tenant = Harness.tenant()
        let key = RateLimitKeys.tenant(tenant)
        let (limiter, _) = Harness.limiter(redis, Harness.config(tenantBurst: burst, tenantRate: rate))
        let planted = TokenBucketMath.State(tokens: tokens, last: try await redis.timeMicros() - idleMicros)
        _ = try await redis.command("HSET", key, "t", String(planted.tokens), "l", String(planted.last))
        #expect(await limiter.check(tenant: tenant, fields: []) == .allowed)
        let stored = try #require(try await Harness.state(redis, key))
        let bucket = TokenBucketMath.Bucket(burst: burst, rate: TokenRate(parsing: rate)!, tokens: 1)
        #expect(TokenBucketMath.take([planted], [bucket], now: stored.last) == .allowed([stored]))
    }

    @Test("all or nothing: an empty operation bucket refuses and leaves the tenant bucket untouched")
    func allOrNothing() async throws {
        let redis = try await Harness.redis()
        let tenant = Harness.tenant()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config(tenantBurst: 100, tenantRate: "0.001", operationBurst: 2, operationRate: "0.001"))
        #expect(await limiter.check(tenant: tenant, fields: ["deleteEntity", "deleteEntity"]) == .allowed)
        let before = try await Harness.state(redis, RateLimitKeys.tenant(tenant))
        #expect(before?.tokens == 99 * Self.token)
        let verdict = await limiter.check(tenant: tenant, fields: ["createEntity", "deleteEntity"])
        guard case .limited(let denial) = verdict else {
            Issue.record("expected limited, got \(verdict)")
            return
        }
        #expect(denial.scope == .operation)
        #expect(denial.field == "deleteEntity")
        #expect(try await Harness.state(redis, RateLimitKeys.tenant(tenant)) == before, "tenant bucket untouched")
        #expect(try await Harness.state(redis, RateLimitKeys.operation(tenant, field: "createEntity")) == nil, "createEntity bucket never written")
        #expect(metrics.count("rate_limit_hits_total", [("tenant", "other"), ("scope", "operation")]) == 1)
        // Another field still passes: the buckets are per field, not per operation name.
        #expect(await limiter.check(tenant: tenant, fields: ["createEntity"]) == .allowed)
    }

    @Test("after SCRIPT FLUSH the NOSCRIPT reply loads the script again")
    func noscript() async throws {
        // Its own server: tests running alongside would load the script between FLUSH and EXISTS.
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        let redis = try await Harness.redis(server)
        let tenant = Harness.tenant()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config(operationRate: "0.001"))
        #expect(await limiter.check(tenant: tenant, fields: ["a"]) == .allowed)
        _ = try await redis.command("SCRIPT", "FLUSH")
        #expect(try await redis.command("SCRIPT", "EXISTS", TokenBucketScript.script.sha1).array == [.integer(0)])
        #expect(await limiter.check(tenant: tenant, fields: ["a"]) == .allowed)
        #expect(try await redis.command("SCRIPT", "EXISTS", TokenBucketScript.script.sha1).array == [.integer(1)])
        let left = try await Harness.state(redis, RateLimitKeys.operation(tenant, field: "a"))?.tokens ?? -1
        #expect(left >= 8 * Self.token && left < 8 * Self.token + Self.token / 10, "both calls took their token")
        #expect(metrics.count("rate_limit_errors_total", [("kind", "script")]) == 0)
    }

    @Test("a tenant with braces gets escaped keys on Redis and its own buckets")
    func braceTenant() async throws {
        let redis = try await Harness.redis()
        let suffix = UUID().uuidString.prefix(8)
        let odd = "a}{b-\(suffix)"
        let plain = "a-\(suffix)"
        let (limiter, _) = Harness.limiter(redis, Harness.config(tenantBurst: 1, tenantRate: "0.001"))
        #expect(await limiter.check(tenant: odd, fields: ["x"]) == .allowed)
        #expect(try await redis.command("EXISTS", "safemut:rl:{a%7D%7Bb-\(suffix)}:t").integer == 1)
        #expect(try await redis.command("EXISTS", "safemut:rl:{a%7D%7Bb-\(suffix)}:op:x").integer == 1)
        #expect(await limiter.check(tenant: plain, fields: ["x"]) == .allowed, "a different tenant, a different bucket")
        if case .limited = await limiter.check(tenant: odd, fields: ["x"]) {} else { Issue.record("the odd tenant's bucket is empty") }
    }

    @Test("update swaps the rates live: a lower burst caps the stored tokens at the next check")
    func reload() async throws {
        let redis = try await Harness.redis()
        let tenant = Harness.tenant()
        let (limiter, _) = Harness.limiter(redis, Harness.config(tenantBurst: 5, tenantRate: "0.001"))
        #expect(await limiter.check(tenant: tenant, fields: []) == .allowed)  // 4 left
        var lower = Harness.config(tenantBurst: 1, tenantRate: "0.001")
        lower.tenants[tenant] = RateLimitOverride(tenantBurst: 2)
        limiter.update(lower)
        #expect(limiter.configuration.limits(for: tenant).tenantBurst == 2)
        #expect(await limiter.check(tenant: tenant, fields: []) == .allowed)  // capped to 2, 1 left
        #expect(await limiter.check(tenant: tenant, fields: []) == .allowed)  // 0 left
        guard case .limited(let denial) = await limiter.check(tenant: tenant, fields: []) else {
            Issue.record("the swapped burst must hold")
            return
        }
        #expect(denial.burst == 2)
        var off = lower
        off.enabled = false
        limiter.update(off)
        #expect(await limiter.check(tenant: tenant, fields: []) == .disabled)
    }

    @Test("tenants named in config get their own hit label; canaries get the canary class")
    func classesAndLabels() async throws {
        let redis = try await Harness.redis()
        let canary = Harness.tenant("canary")
        var config = Harness.config(tenantBurst: 50)
        config.canaryTenants = [canary]
        config.canaryClass = RateClassLimits(
            tenantPerSecond: TokenRate(parsing: "0.001")!, tenantBurst: 1, operationPerSecond: TokenRate(wholePerSecond: 1), operationBurst: 5)
        let (limiter, metrics) = Harness.limiter(redis, config)
        #expect(await limiter.check(tenant: canary, fields: []) == .allowed)
        if case .limited(let denial) = await limiter.check(tenant: canary, fields: []) {
            #expect(denial.burst == 1)
        } else {
            Issue.record("a canary has the canary burst")
        }
        #expect(metrics.count("rate_limit_hits_total", [("tenant", canary), ("scope", "tenant")]) == 1)
    }
}
