import Foundation
import Testing
import TestSupport
@testable import Redis

/// Many callers' commands pipelined on few connections, against a real `redis-server`.
@Suite("Redis pipelining")
struct RedisPipelineTests {
    func client(_ configure: (inout RedisConfiguration) -> Void) async throws -> RedisClient {
        let server = try await offPool { try DataServers.sharedRedis() }
        var configuration = try RedisConfiguration(url: server.url)
        configure(&configuration)
        return RedisClient(configuration: configuration)
    }

    @Test func everyCallerGetsItsOwnReplyOnOneConnection() async throws {
        let redis = try await client { $0.maxConnections = 1 }
        defer { redis.close() }
        let prefix = "mux:\(UUID().uuidString):"
        let callers = 200
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var wrong = 0
                    let key = RedisArgument(prefix + String(caller))
                    for round in 1...5 {
                        let value = try? await redis.command(["INCRBY", key, RedisArgument(Int64(caller))])
                        if value != .integer(Int64(caller * round)) { wrong += 1 }
                        let echoed = try? await redis.command(["ECHO", RedisArgument("\(caller)-\(round)")])
                        if echoed?.string != "\(caller)-\(round)" { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        let stats = redis.stats()
        #expect(stats.open == 1)
        #expect(stats.acquired == UInt64(callers * 10))
        #expect(stats.inFlight == 0)
    }

    @Test func tooLargeReplyAbortsOnlyItsPipelineNeighbours() async throws {
        let redis = try await client { $0.maxConnections = 1; $0.maxReplyBytes = 64 * 1024 }
        defer { redis.close() }
        let big = RedisArgument("bigmux:\(UUID().uuidString)")
        _ = try await redis.command(["SET", big, RedisArgument([UInt8](repeating: 120, count: 1 << 20))])
        let outcomes = await withTaskGroup(of: (Int, Result<RedisReply, RedisError>).self) { group in
            for caller in 0..<40 {
                group.addTask {
                    do throws(RedisError) {
                        if caller == 20 { return (caller, .success(try await redis.command(["GET", big]))) }
                        return (caller, .success(try await redis.command(["ECHO", RedisArgument("e\(caller)")])))
                    } catch {
                        return (caller, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<RedisReply, RedisError>]()) { $0[$1.0] = $1.1 }
        }
        for (caller, outcome) in outcomes {
            switch outcome {
            case .success(let reply):
                #expect(caller != 20)
                #expect(reply.string == "e\(caller)")  // never another caller's reply
            case .failure(let error):
                #expect(error.kind == (caller == 20 ? .replyTooLarge : .aborted))
            }
        }
        #expect(redis.breakerState == .closed)
        #expect(try await redis.command(["STRLEN", big]) == .integer(1 << 20))
    }

    @Test func callersWaitWhenEveryConnectionIsAtDepth() async throws {
        let redis = try await client {
            $0.maxConnections = 1
            $0.maxPipelineDepth = 1
            $0.acquireTimeout = .milliseconds(150)
            $0.commandTimeout = .seconds(5)
        }
        defer { redis.close() }
        let list = RedisArgument("depth:\(UUID().uuidString)")
        // BLPOP holds the only slot until the RPUSH below arrives on another client.
        let blocked = Task { try await redis.command(["BLPOP", list, 5]) }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while redis.stats().inFlight == 0 && clock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        let error = await #expect(throws: RedisError.self) { _ = try await redis.command("PING") }
        #expect(error?.kind == .poolTimeout)
        let helper = try await client { _ in }
        defer { helper.close() }
        _ = try await helper.command(["RPUSH", list, "x"])
        #expect(try await blocked.value == .array([.bulk(Array(list.bytes)), .bulk(Array("x".utf8))]))
        #expect(try await redis.command("PING") == .status("PONG"))
        #expect(redis.stats().errors[.poolTimeout] == 1)
    }
}
