import Foundation
import Glibc
import Synchronization
import Testing
import TestSupport

/// The rate limit through the real binaries: `safemut serve` processes in front of
/// intelgraph-demo, sharing one real redis-server that the tests start, kill and restart.
/// No database.url: the ledger is off, so every answer is about the rate step.
@Suite("The rate limit through the gateway", .serialized)
struct RateLimitGatewayTests {
    static let create = #"mutation { createEntity(name: \"rate-test\") { id } }"#

    /// One answer: status, `Retry-After`, and the body's error code; status -1 when the
    /// request failed or timed out on the client side.
    struct Answer: Sendable {
        var status: Int
        var retryAfter: String?
        var body: String
    }

    /// The tenant `demo` (a canary by default) gets its own limits, in the `rate:` section.
    static func yaml(
        failMode: String, tenantBurst: Int, tenantRate: String, operationBurst: Int = 100_000,
        operationRate: String = "100000", timeoutMs: Int = 5_000
    ) -> String {
        """
        rate:
          fail_mode: \(failMode)
          timeout_ms: \(timeoutMs)
          tenants:
            demo:
              tenant_burst: \(tenantBurst)
              tenant_per_second: \(tenantRate)
              operation_burst: \(operationBurst)
              operation_per_second: \(operationRate)
        """
    }

    static func stack(redis: RedisServer, yaml: String) async throws -> DemoStack {
        try await offPool { try DemoStack(extraYAML: yaml, environment: ["REDIS_URL": redis.url]) }
    }

    /// `count` createEntity calls as tenant demo from `clients` threads, alternating `ports`;
    /// each on its own connection with a `timeout`-second client-side limit.
    static func burst(ports: [Int], clients: Int, count: Int, timeout: Double = 10) -> [Answer] {
        let answers = Mutex<[Answer]>([])
        let next = Atomic<Int>(0)
        let done = DispatchGroup()
        for _ in 0..<clients {
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                while true {
                    let n = next.add(1, ordering: .relaxed).oldValue
                    guard n < count else { return }
                    answers.withLock { $0.append(Self.post(port: ports[n % ports.count], timeout: timeout)) }
                }
            }
            thread.start()
        }
        done.wait()
        return answers.withLock { $0 }
    }

    static func post(port: Int, timeout: Double = 10) -> Answer {
        do {
            let client = try RawHTTPClient(port: port, timeout: timeout)
            let body = #"{"query":"\#(create)"}"#
            try client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tenant: demo\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let response = try client.readResponse(method: "POST")
            return Answer(status: response.status, retryAfter: response.head.headers["Retry-After"], body: response.text)
        } catch {
            return Answer(status: -1, retryAfter: nil, body: "\(error)")
        }
    }

    static func metrics(_ port: Int) throws -> String {
        let client = try RawHTTPClient(port: port, timeout: 10)
        try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        return try client.readResponse().text
    }

    static func tally(_ answers: [Answer]) -> [Int: Int] {
        Dictionary(grouping: answers, by: \.status).mapValues(\.count)
    }

    @Test("two gateways, one Redis: a burst of 10×N admits N plus what refilled while it ran; the rest are 429 with Retry-After")
    func sharedBucket() async throws {
        let redis = try await offPool { try RedisServer.start() }
        defer { redis.stop() }
        let burst = 20
        let yaml = Self.yaml(failMode: "closed", tenantBurst: burst, tenantRate: "1")
        let first = try await Self.stack(redis: redis, yaml: yaml)
        let second = try await Self.stack(redis: redis, yaml: yaml)
        let ports = [first.gatewayPort, second.gatewayPort]
        let clock = ContinuousClock()
        let start = clock.now
        let answers = try await offPool { Self.burst(ports: ports, clients: 32, count: 10 * burst) }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let admitted = answers.filter { $0.status == 200 }.count
        #expect(answers.count == 10 * burst)
        #expect(answers.allSatisfy { $0.status == 200 || $0.status == 429 }, "\(Self.tally(answers))")
        #expect(admitted >= burst, "the full bucket: \(Self.tally(answers))")
        #expect(admitted <= burst + Int(seconds.rounded(.up)), "at 1/s over \(seconds) s: \(Self.tally(answers))")
        let limited = answers.filter { $0.status == 429 }
        #expect(limited.allSatisfy { ($0.retryAfter.flatMap(Int.init) ?? 0) >= 1 }, "every 429 carries Retry-After ≥ 1")
        #expect(limited.allSatisfy { $0.body.contains("RATE_LIMITED") && $0.body.contains("\"scope\":\"tenant\"") })
        let scraped = try await offPool { try Self.metrics(first.gatewayPort) + Self.metrics(second.gatewayPort) }
        #expect(scraped.contains("rate_limit_hits_total{"), "\(scraped.prefix(400))")
    }

    @Test("Redis SIGKILLed mid-load: closed answers 503 or admits, none hangs; open admits; a restarted Redis closes the breaker and the bucket rules again")
    func redisKilled() async throws {
        let redis = try await offPool { try RedisServer.start() }
        defer { redis.stop() }
        let stack = try await Self.stack(redis: redis, yaml: Self.yaml(failMode: "closed", tenantBurst: 100_000, tenantRate: "100000"))
        let port = stack.gatewayPort

        // Closed: load running while Redis dies.
        let load = Task { try await offPool { Self.burst(ports: [port], clients: 8, count: 160) } }
        let warmed = try await LedgerGatewayTests.eventually {
            let text = try await offPool { try Self.metrics(port) }
            return (metricValue(text, #"rate_limit_checks_total{outcome="allowed"}"#) ?? 0) > 0
        }
        #expect(warmed, "some mutations were checked before the kill")
        try await offPool { redis.kill() }
        let during = try await load.value
        #expect(during.count == 160)
        #expect(during.contains { $0.status == 200 }, "the checks counted before the kill were admitted")
        #expect(during.allSatisfy { $0.status != -1 }, "every request completed within its 10 s client timeout: \(Self.tally(during))")
        #expect(during.allSatisfy { $0.status == 200 || ($0.status == 503 && $0.body.contains("DEPENDENCY_UNAVAILABLE")) }, "\(Self.tally(during))")
        let after = try await offPool { Self.burst(ports: [port], clients: 4, count: 20) }
        #expect(after.allSatisfy { $0.status == 503 && $0.body.contains("DEPENDENCY_UNAVAILABLE") }, "Redis is gone: \(Self.tally(after))")
        let breakerOpen = try await offPool { try Self.metrics(port) }
        #expect(breakerOpen.contains("redis_circuit_state 2") || breakerOpen.contains("redis_circuit_state 1"), "the breaker opened")
        #expect((metricValue(breakerOpen, #"rate_limit_checks_total{outcome="fail_closed"}"#) ?? 0) > 0)

        // Open (switched live by SIGHUP): mutations are admitted while Redis is down.
        try stack.rewriteConfig(extraYAML: Self.yaml(failMode: "open", tenantBurst: 100_000, tenantRate: "100000"))
        stack.gateway.send(signal: SIGHUP)
        let opened = try await LedgerGatewayTests.eventually { try await offPool { Self.post(port: port).status == 200 } }
        #expect(opened, "fail_mode open admits without Redis")
        let open = try await offPool { Self.burst(ports: [port], clients: 4, count: 20) }
        #expect(open.allSatisfy { $0.status == 200 }, "\(Self.tally(open))")

        // Redis back on the same port (empty), a small bucket and closed again: the breaker
        // closes on the next probe and the bucket decides.
        try await offPool { try redis.startAgain() }
        try stack.rewriteConfig(extraYAML: Self.yaml(failMode: "closed", tenantBurst: 3, tenantRate: "0.001"))
        stack.gateway.send(signal: SIGHUP)
        let closedAgain = try await LedgerGatewayTests.eventually {
            let answer = try await offPool { Self.post(port: port) }
            let scraped = try await offPool { try Self.metrics(port) }
            return answer.status != 503 && scraped.contains("redis_circuit_state 0")
        }
        #expect(closedAgain, "the breaker closed once Redis answered")
        // The probe above took at most one token per poll; the bucket holds 3 and refills 0.001/s.
        let ruled = try await offPool { Self.burst(ports: [port], clients: 2, count: 6) }
        #expect(ruled.allSatisfy { $0.status == 200 || $0.status == 429 }, "\(Self.tally(ruled))")
        #expect(ruled.filter { $0.status == 429 }.count >= 3, "the bucket limits again: \(Self.tally(ruled))")
    }

    @Test("fail_mode closed without redis.url refuses to start: exit 2 naming redis.url; open starts with a warning")
    func closedNeedsRedis() async throws {
        let port = Ports.free()
        let path = try ServeConfig.write(ServeConfig.minimal(port: port), label: "rate")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var environment = ProcessInfo.processInfo.environment
        for key in ["REDIS_URL", "DATABASE_URL", "RATE_FAIL_MODE"] { environment[key] = nil }
        environment["RATE_FAIL_MODE"] = "closed"
        let refused = try ManagedProcess.serve(config: path, environment: environment)
        let status = try await offPool { refused.waitForExit(timeout: 30) }
        #expect(status == 2)
        #expect(refused.output().contains("redis.url"), "\(refused.output())")

        environment["RATE_FAIL_MODE"] = "open"
        let started = try ManagedProcess.serve(config: path, environment: environment)
        defer { started.stop() }
        try await offPool { try Ports.waitUntilListening(port, process: started) }
        #expect(started.output().contains("rate limit off"), "\(started.output())")
    }
}
