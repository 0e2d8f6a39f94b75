import Foundation
import Testing
@testable import Redis

@Suite("Redis pure parts")
struct RedisUnitTests {
    @Test func parsesFullURL() throws {
        let c = try RedisConfiguration(url: "redis://alice:p%40ss@127.0.0.1:6380/3")
        #expect(c.host == "127.0.0.1")
        #expect(c.port == 6380)
        #expect(c.username == "alice")
        #expect(c.password == "p@ss")
        #expect(c.database == 3)
    }

    @Test func parsesPasswordOnlyAndDefaults() throws {
        let c = try RedisConfiguration(url: "redis://:secret@localhost")
        #expect(c.username == nil)
        #expect(c.password == "secret")
        #expect(c.port == 6379)
        #expect(c.database == 0)
    }

    @Test(arguments: ["http://localhost", "rediss://localhost:6379", "redis://", "redis://localhost/x", "not a url"])
    func refusesBadURL(url: String) {
        let error = #expect(throws: RedisError.self) { _ = try RedisConfiguration(url: url) }
        #expect(error?.kind == .invalidConfiguration)
    }

    @Test func sha1MatchesKnownVectors() {
        #expect(SHA1.hex([]) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hex(Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
    }

    @Test func breakerOpensAfterThresholdAndProbesAfterCoolDown() {
        let t0 = ContinuousClock.now
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 3, coolDown: .seconds(5)))
        #expect(breaker.state == .closed)
        for i in 0..<2 {
            #expect(breaker.admit(now: t0) == .allow)
            breaker.recordFailure(now: t0 + .seconds(i))
            #expect(breaker.state == .closed)
        }
        #expect(breaker.admit(now: t0) == .allow)
        breaker.recordFailure(now: t0 + .seconds(2))
        #expect(breaker.state == .open)
        #expect(breaker.admit(now: t0 + .seconds(3)) == .reject)
        #expect(breaker.admit(now: t0 + .milliseconds(6_999)) == .reject)
        #expect(breaker.admit(now: t0 + .seconds(7)) == .probe)
        #expect(breaker.state == .halfOpen)
        // Only one probe at a time.
        #expect(breaker.admit(now: t0 + .seconds(7)) == .reject)
        breaker.recordSuccess()
        #expect(breaker.state == .closed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.admit(now: t0 + .seconds(8)) == .allow)
    }

    @Test func failedProbeReopensForAnotherCoolDown() {
        let t0 = ContinuousClock.now
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1, coolDown: .seconds(1)))
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .open)
        #expect(breaker.admit(now: t0 + .seconds(1)) == .probe)
        breaker.recordFailure(now: t0 + .seconds(1))
        #expect(breaker.state == .open)
        #expect(breaker.admit(now: t0 + .milliseconds(1_500)) == .reject)
        #expect(breaker.admit(now: t0 + .seconds(2)) == .probe)
        #expect(CircuitBreaker.State.open.gaugeValue == 2)
    }

    @Test func successResetsConsecutiveCount() {
        let t0 = ContinuousClock.now
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 2, coolDown: .seconds(1)))
        breaker.recordFailure(now: t0)
        breaker.recordSuccess()
        breaker.recordFailure(now: t0)
        #expect(breaker.state == .closed)
    }
}
