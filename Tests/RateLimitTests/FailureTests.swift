import Ports
import Config
import Foundation
import Glibc
import Redis
import Testing
import TestSupport
@testable import RateLimit

/// Redis down, slow or behind an open breaker: `rate.fail_mode` decides, every failure counted.
@Suite("Rate limit when Redis fails", .serialized)
struct FailureTests {
    @Test("Redis killed: open admits, closed refuses, each failure counted by kind; the breaker then fails fast")
    func killed() async throws {
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        let redis = try await Harness.redis(server, breaker: .init(failureThreshold: 2, coolDown: .seconds(60)))
        let tenant = Harness.tenant()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config(failMode: .open))
        #expect(await limiter.check(tenant: tenant, fields: ["a"]) == .allowed)
        server.kill()

        var kinds: [RateLimitFailure.Kind] = []
        for _ in 0..<4 {
            guard case .failedOpen(let failure) = await limiter.check(tenant: tenant, fields: ["a"]) else {
                Issue.record("open must admit")
                continue
            }
            kinds.append(failure.kind)
        }
        #expect(kinds.first == .connection, "\(kinds)")
        #expect(kinds.last == .breakerOpen, "\(kinds)")
        #expect(redis.breakerState == .open)

        var closed = Harness.config(failMode: .closed)
        closed.timeout = .seconds(5)
        limiter.update(closed)
        guard case .failedClosed(let failure) = await limiter.check(tenant: tenant, fields: ["a"]) else {
            Issue.record("closed must refuse")
            return
        }
        #expect(failure.kind == .breakerOpen)
        #expect(metrics.count("rate_limit_checks_total", [("outcome", "fail_open")]) == 4)
        #expect(metrics.count("rate_limit_checks_total", [("outcome", "fail_closed")]) == 1)
        let errors = RateLimitFailure.Kind.allCases.map { metrics.count("rate_limit_errors_total", [("kind", $0.rawValue)]) }
        #expect(errors.reduce(0, +) == 5, "every failure counted once")
    }

    @Test("a stalled Redis (SIGSTOP) answers nothing: the check gives up at rate.timeout_ms as a timeout")
    func stalled() async throws {
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        let redis = try await Harness.redis(server)
        let tenant = Harness.tenant()
        let (limiter, metrics) = Harness.limiter(redis, Harness.config(failMode: .closed, timeout: .milliseconds(100)))
        #expect(await limiter.check(tenant: tenant, fields: []) == .allowed)
        let pid = try #require(server.pid)
        kill(pid, SIGSTOP)
        let verdict = await limiter.check(tenant: tenant, fields: [])
        kill(pid, SIGCONT)
        guard case .failedClosed(let failure) = verdict else {
            Issue.record("expected failedClosed, got \(verdict)")
            return
        }
        #expect(failure.kind == .timeout)
        #expect(metrics.count("rate_limit_errors_total", [("kind", "timeout")]) == 1)
    }
}
