import Foundation
import Testing
import TestSupport
@testable import Redis

/// Against real `redis-server`s started by the harness.
@Suite("Redis client")
struct RedisClientTests {
    func client(_ server: RedisServer, database: Int = 0, configure: (inout RedisConfiguration) -> Void = { _ in }) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: server.url(database: database))
        configure(&configuration)
        return RedisClient(configuration: configuration)
    }

    @Test func typedRepliesAndBinarySafeArguments() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let redis = try client(server)
        defer { redis.close() }
        let key = RedisArgument("typed:\(UUID().uuidString)")
        let binary: [UInt8] = [0, 13, 10, 255, 0, 36]
        #expect(try await redis.command(["SET", key, RedisArgument(binary)]) == .status("OK"))
        #expect(try await redis.command(["GET", key]) == .bulk(binary))
        #expect(try await redis.command(["GET", RedisArgument("missing:\(UUID().uuidString)")]) == .null)
        let counter = RedisArgument("n:\(UUID().uuidString)")
        #expect(try await redis.command(["INCRBY", counter, 41]) == .integer(41))
        let list = RedisArgument("l:\(UUID().uuidString)")
        _ = try await redis.command(["RPUSH", list, "a", "b"])
        #expect(try await redis.command(["LRANGE", list, 0, -1]) == .array([.bulk(Array("a".utf8)), .bulk(Array("b".utf8))]))
        let error = await #expect(throws: RedisError.self) { _ = try await redis.command(["INCR", list]) }
        #expect(error?.kind == .server)
        #expect(error?.serverCode == "WRONGTYPE")
        #expect(redis.breakerState == .closed)  // an error reply proves the server alive
    }

    @Test func timeAndPing() async throws {
        let redis = try client(try await offPool { try DataServers.sharedRedis() })
        defer { redis.close() }
        let micros = try await redis.timeMicros()
        let local = Int64(Date().timeIntervalSince1970 * 1_000_000)
        #expect(abs(micros - local) < 5_000_000)
        #expect(try await redis.ping() < .seconds(2))
    }

    @Test func selectsDatabaseFromURL() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let db2 = try client(server, database: 2)
        let db0 = try client(server, database: 0)
        defer { db2.close(); db0.close() }
        let key = "db:\(UUID().uuidString)"
        _ = try await db2.command("SET", key, "two")
        #expect(try await db2.command("GET", key).string == "two")
        #expect(try await db0.command("GET", key) == .null)
    }

    @Test func authWithPasswordAndWrongPassword() async throws {
        let server = try await offPool { try RedisServer.start(password: "right-pw") }
        defer { server.stop() }
        let good = try RedisClient(url: server.url)
        defer { good.close() }
        #expect(try await good.command("PING") == .status("PONG"))
        let wrong = try RedisClient(url: "redis://:wrong-pw@127.0.0.1:\(server.port)/0")
        defer { wrong.close() }
        let wrongError = await #expect(throws: RedisError.self) { _ = try await wrong.command("PING") }
        #expect(wrongError?.kind == .authenticationFailed)
        let none = try RedisClient(url: "redis://127.0.0.1:\(server.port)/0")
        defer { none.close() }
        let noneError = await #expect(throws: RedisError.self) { _ = try await none.command("PING") }
        #expect(noneError?.kind == .authenticationFailed)
    }

    @Test func noscriptAfterScriptFlushReloads() async throws {
        let redis = try client(try await offPool { try DataServers.sharedRedis() })
        defer { redis.close() }
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        let key = RedisArgument("{t}:evalsha:\(UUID().uuidString)")
        #expect(try await redis.evalSHA(script, keys: [key], arguments: [5]) == .integer(5))
        let loaded = try await redis.command(["SCRIPT", "EXISTS", RedisArgument(script.sha1)])
        #expect(loaded == .array([.integer(1)]))
        _ = try await redis.command(["SCRIPT", "FLUSH"])
        #expect(try await redis.command(["SCRIPT", "EXISTS", RedisArgument(script.sha1)]) == .array([.integer(0)]))
        // The raw EVALSHA now fails with NOSCRIPT; evalSHA loads and retries.
        let raw = await #expect(throws: RedisError.self) {
            _ = try await redis.command(["EVALSHA", RedisArgument(script.sha1), 1, key, 1])
        }
        #expect(raw?.serverCode == "NOSCRIPT")
        #expect(try await redis.evalSHA(script, keys: [key], arguments: [2]) == .integer(7))
    }

    @Test func replyTooLargeIsTypedAndConnectionRecovers() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let redis = try client(server) { $0.maxReplyBytes = 64 * 1024; $0.maxConnections = 1 }
        defer { redis.close() }
        let key = RedisArgument("big:\(UUID().uuidString)")
        _ = try await redis.command(["SET", key, RedisArgument([UInt8](repeating: 120, count: 1 << 20))])
        let error = await #expect(throws: RedisError.self) { _ = try await redis.command(["GET", key]) }
        #expect(error?.kind == .replyTooLarge)
        // The half-read reply was thrown away with its connection; the next call is clean.
        #expect(try await redis.command(["STRLEN", key]) == .integer(1 << 20))
        #expect(redis.breakerState == .closed)
    }

    @Test func commandTimeoutIsTyped() async throws {
        let server = try await offPool { try DataServers.sharedRedis() }
        let redis = try client(server) { $0.commandTimeout = .milliseconds(150) }
        defer { redis.close() }
        let clock = ContinuousClock()
        let error = await #expect(throws: RedisError.self) {
            _ = try await redis.command(["BLPOP", RedisArgument("empty:\(UUID().uuidString)"), 5])
        }
        // The kind is the proof: a BLPOP left to run ends after 5 s with a nil
        // reply, not an error; only the 150 ms command timeout yields `.timeout`.
        // (No wall-clock bound: other tests in the process can delay when this
        // task resumes, which says nothing about the client.)
        #expect(error?.kind == .timeout)
        // The timed-out connection was dropped; the next command reconnects. A
        // 150 ms timeout can also catch a fresh server on a loaded box, so poll.
        let deadline = clock.now + .seconds(5)
        var pong: RedisReply?
        while pong != .status("PONG") && clock.now < deadline {
            pong = try? await redis.command("PING")
            if pong != .status("PONG") { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(pong == .status("PONG"))
    }

    @Test func killedAndRestartedRedisOpensThenClosesBreaker() async throws {
        let server = try await offPool { try RedisServer.start() }
        defer { server.stop() }
        let redis = try client(server) {
            $0.breaker = .init(failureThreshold: 3, coolDown: .milliseconds(200))
            $0.connectTimeout = .milliseconds(200)
            $0.commandTimeout = .milliseconds(200)
        }
        defer { redis.close() }
        #expect(try await redis.command("PING") == .status("PONG"))
        try await offPool { server.kill() }
        var failures: [RedisError.Kind] = []
        for _ in 0..<10 where redis.breakerState != .open {
            do {
                _ = try await redis.command("PING")
            } catch {
                failures.append(error.kind)
            }
        }
        #expect(redis.breakerState == .open)
        #expect(failures.count == 3)
        #expect(failures.allSatisfy { $0 == .connectionLost || $0 == .connectFailed })
        // Open: fail fast without touching the network; `.circuitOpen` is only
        // ever thrown before a connection is tried, so the kind is the proof.
        let fast = await #expect(throws: RedisError.self) { _ = try await redis.command("PING") }
        #expect(fast?.kind == .circuitOpen)

        try await offPool { try server.startAgain() }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var recovered = false
        while clock.now < deadline {
            if (try? await redis.command("PING")) == .status("PONG") {
                recovered = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(recovered)
        #expect(redis.breakerState == .closed)
        let stats = redis.stats()
        #expect(stats.errors[.circuitOpen, default: 0] >= 1)
        #expect(stats.breaker == .closed)
    }

    @Test func poolIsBounded() async throws {
        let redis = try client(try await offPool { try DataServers.sharedRedis() }) { $0.maxConnections = 2 }
        defer { redis.close() }
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<16 { group.addTask { _ = try? await redis.command("SET", "bounded:\(i)", "v") } }
        }
        let stats = redis.stats()
        #expect(stats.open <= 2)
        #expect(stats.acquired == 16)
        #expect(stats.inUse == 0)
    }
}
