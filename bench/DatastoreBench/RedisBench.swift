import Foundation
import Redis
import TestSupport

/// A token bucket per key: capacity ARGV[1], refill ARGV[2] tokens/s, Redis TIME as the clock.
let tokenBucket = RedisScript("""
    local capacity = tonumber(ARGV[1])
    local rate = tonumber(ARGV[2])
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
    local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
    local tokens = tonumber(state[1]) or capacity
    local at = tonumber(state[2]) or now
    tokens = math.min(capacity, tokens + (now - at) * rate / 1000000)
    local allowed = 0
    if tokens >= 1 then
        tokens = tokens - 1
        allowed = 1
    end
    redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
    redis.call('PEXPIRE', KEYS[1], 60000)
    return allowed
    """)

/// Our client against `redis-benchmark` running the same script.
func benchRedis(_ options: Options) async throws -> Double {
    let server = try await offPool { try RedisServer.start() }
    defer { server.stop() }
    var configuration = try RedisConfiguration(url: server.url)
    if let connections = options.connections { configuration.maxConnections = connections }
    let redis = RedisClient(configuration: configuration, faults: options.faultsHook ? emptyBookHook : nil)
    defer { redis.close() }
    let serverPID = server.pid ?? 0
    let script = tokenBucket
    _ = try await redis.evalSHA(script, keys: ["{t1}:bucket"], arguments: ["100", "50"])
    _ = await measure(callers: options.callers, seconds: 1) { caller, i in
        (try? await redis.evalSHA(script, keys: [RedisArgument("{t\((caller * 7919 + i) % tenants)}:bucket")], arguments: ["100000", "50000"])) != nil
    }
    let selfBefore = Usage.ofSelf()
    let serverBefore = Usage.ofServerTree(serverPID)
    let ours = await measure(callers: options.callers, seconds: options.seconds) { caller, i in
        (try? await redis.evalSHA(script, keys: [RedisArgument("{t\((caller * 7919 + i * 31) % tenants)}:bucket")], arguments: ["100000", "50000"])) != nil
    }
    let ourCost = Cost(client: Usage.ofSelf() - selfBefore, server: Usage.ofServerTree(serverPID) - serverBefore, operations: ours.calls)
    let ourOps = Double(ours.calls) / Double(options.seconds)

    let callers = options.callers
    let seconds = options.seconds
    // redis-benchmark counts requests, not time: size the run from our rate so both take about as long.
    let requests = max(50_000, Int(ourOps) * seconds)
    let childrenBefore = Usage.ofReapedChildren()
    let serverBeforeReference = Usage.ofServerTree(serverPID)
    let output = try await offPool {
        try DataCommand.check("/usr/bin/redis-benchmark", [
            "-h", "127.0.0.1", "-p", String(server.port), "-c", String(callers), "-n", String(requests),
            "-r", String(tenants), "--csv",
            "EVALSHA", script.sha1, "1", "{t__rand_int__}:bucket", "100000", "50000",
        ], timeout: Double(seconds) * 10 + 60)
    }
    let referenceCost = Cost(
        client: Usage.ofReapedChildren() - childrenBefore,
        server: Usage.ofServerTree(serverPID) - serverBeforeReference, operations: requests
    )
    // CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    let dataLine = output.split(separator: "\n").last { $0.hasPrefix("\"EVALSHA") } ?? ""
    let fields = dataLine.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    let referenceOps = fields.count > 1 ? Double(fields[1]) ?? 0 : 0
    let referenceP50 = fields.count > 4 ? fields[4] : "?"
    let referenceP99 = fields.count > 6 ? fields[6] : "?"

    let ratio = referenceOps > 0 ? ourOps / referenceOps : 0
    print("redis: token-bucket EVALSHA (Redis TIME clock), \(callers) callers, \(seconds) s, \(tenants) keys")
    print("  (ours: \(configuration.maxConnections) multiplexed connections, commands pipelined; redis-benchmark: \(callers) connections, one command each in flight)")
    print(String(format: "  ours             %7.0f ops/s  p50 %6.3f ms  p99 %6.3f ms  errors %d  | %@", ourOps, ours.percentile(0.50), ours.percentile(0.99), ours.errors, ourCost.text))
    print(String(format: "  redis-benchmark  %7.0f ops/s  p50 %@ ms  p99 %@ ms            | %@", referenceOps, referenceP50, referenceP99, referenceCost.text))
    print(String(format: "  ratio            %.2f× redis-benchmark ops/s (target ≥ 0.70×; p99 target ≤ 1 ms); client CPU/op %.2f× redis-benchmark's", ratio, ourCost.clientMicrosPerOp / max(referenceCost.clientMicrosPerOp, 0.001)))
    print(String(format: "  summary  redis EVALSHA token bucket: ours %.0f ops/s p99 %.3f ms | redis-benchmark %.0f ops/s p99 %@ ms | %.2f×", ourOps, ours.percentile(0.99), referenceOps, referenceP99, ratio))
    return ratio
}
