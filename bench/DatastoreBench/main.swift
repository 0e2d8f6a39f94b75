// datastore-bench: our Postgres and Redis clients against pgbench and
// redis-benchmark on the same servers, the same SQL / Lua, the same
// concurrency. Started by bench/datastores.sh; prints one block per store
// and the ratios. A benchmark, not a test: nothing here asserts.
import Foundation
import Migrations
import Postgres
import Redis
import TestSupport

struct Options {
    var seconds = 10
    var callers = 32
    var migrations = "db/migrations"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            switch flag {
            case "--seconds": seconds = iterator.next().flatMap(Int.init) ?? seconds
            case "--callers": callers = iterator.next().flatMap(Int.init) ?? callers
            case "--migrations": migrations = iterator.next() ?? migrations
            default: FileHandle.standardError.write(Data("ignoring unknown argument \(flag)\n".utf8))
            }
        }
    }
}

/// Latency samples (microseconds) and the count of calls in the window.
struct Run {
    var calls = 0
    var errors = 0
    var samples: [Int64] = []

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1000
    }
}

/// Runs `body` from `callers` concurrent tasks for `seconds`, timing each call.
func measure(callers: Int, seconds: Int, _ body: @escaping @Sendable (Int, Int) async -> Bool) async -> Run {
    let clock = ContinuousClock()
    let end = clock.now + .seconds(seconds)
    return await withTaskGroup(of: Run.self) { group in
        for caller in 0..<callers {
            group.addTask {
                var run = Run()
                var i = 0
                while clock.now < end {
                    let start = clock.now
                    let ok = await body(caller, i)
                    let elapsed = clock.now - start
                    run.samples.append(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000)
                    if ok { run.calls += 1 } else { run.errors += 1 }
                    i += 1
                }
                return run
            }
        }
        var total = Run()
        for await run in group {
            total.calls += run.calls
            total.errors += run.errors
            total.samples += run.samples
        }
        return total
    }
}

func runOffPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await DataServers.offPool(body)
}

let tenants = 1000

/// The ledger reservation in one round trip: a conditional UPDATE of the
/// tenant's counters and the ledger INSERT, chained by a CTE.
let reservationSQL = """
    WITH reserved AS (
        UPDATE tenant_budget
        SET daily_reserved_usd = daily_reserved_usd + $2, monthly_reserved_usd = monthly_reserved_usd + $2
        WHERE tenant_id = $1
          AND daily_spent_usd + daily_reserved_usd + $2 <= daily_usd_limit
          AND monthly_spent_usd + monthly_reserved_usd + $2 <= monthly_usd_limit
        RETURNING tenant_id
    )
    INSERT INTO budget_ledger (tenant_id, estimated_usd, correlation_id)
    SELECT tenant_id, $2, $3 FROM reserved
    RETURNING id
    """

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

func benchPostgres(_ options: Options) async throws -> (ours: Double, reference: Double) {
    let server = try await runOffPool { try PostgresServer.start() }
    defer { server.stop() }
    let url = try await runOffPool { try server.createDatabase("bench") }
    let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: options.callers))
    defer { pool.close() }
    try await Migrator(pool: pool, directory: options.migrations).migrate()
    _ = try await pool.query("""
        INSERT INTO tenant_budget (tenant_id, daily_usd_limit, monthly_usd_limit)
        SELECT 't' || g, 1000000000, 1000000000 FROM generate_series(1, \(tenants)) g
        """)

    let sql = reservationSQL
    _ = await measure(callers: options.callers, seconds: 1) { caller, i in
        (try? await pool.query(sql, [.text("t\((caller * 7919 + i) % tenants + 1)"), .micros(1), .text("warmup")])) != nil
    }
    let ours = await measure(callers: options.callers, seconds: options.seconds) { caller, i in
        (try? await pool.query(sql, [.text("t\((caller * 7919 + i * 31) % tenants + 1)"), .micros(1), .text("bench")])) != nil
    }
    let ourTPS = Double(ours.calls) / Double(options.seconds)
    pool.close()

    let script = NSTemporaryDirectory() + "safemut-reserve-\(getpid()).sql"
    let pgbenchSQL = "\\set tenant random(1, \(tenants))\n" + reservationSQL
        .replacingOccurrences(of: "$1", with: "'t' || :tenant")
        .replacingOccurrences(of: "$2", with: "0.000001")
        .replacingOccurrences(of: "$3", with: "'pgbench'")
        .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") + ";\n"
    try pgbenchSQL.write(toFile: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: script) }
    let seconds = options.seconds
    let callers = options.callers
    let pgbench = try await runOffPool {
        try DataCommand.check(server.binDirectory + "/pgbench", [
            "-n", "-M", "prepared", "-c", String(callers), "-j", "2", "-T", String(seconds),
            "-f", script, "-h", "127.0.0.1", "-p", String(server.port), "-U", "postgres", "bench",
        ], timeout: Double(seconds) + 60)
    }
    let tpsLine = pgbench.split(separator: "\n").first { $0.hasPrefix("tps = ") } ?? ""
    let referenceTPS = Double(tpsLine.dropFirst(6).prefix { $0 != " " }) ?? 0
    let latencyLine = pgbench.split(separator: "\n").first { $0.hasPrefix("latency average") } ?? ""

    print("postgres: reservation (UPDATE … RETURNING + ledger INSERT, one round trip), \(callers) callers, \(seconds) s, \(tenants) tenants")
    print(String(format: "  ours     %9.0f TPS  p50 %.3f ms  p99 %.3f ms  errors %d", ourTPS, ours.percentile(0.50), ours.percentile(0.99), ours.errors))
    print(String(format: "  pgbench  %9.0f TPS  (%@)", referenceTPS, String(latencyLine)))
    print(String(format: "  ratio    %.2f× pgbench (target ≥ 0.80×; p99 target ≤ 2 ms)", referenceTPS > 0 ? ourTPS / referenceTPS : 0))
    return (ourTPS, referenceTPS)
}

func benchRedis(_ options: Options) async throws -> (ours: Double, reference: Double) {
    let server = try await runOffPool { try RedisServer.start() }
    defer { server.stop() }
    let redis = RedisClient(configuration: try RedisConfiguration(url: server.url, maxConnections: options.callers))
    defer { redis.close() }
    let script = tokenBucket
    _ = try await redis.evalSHA(script, keys: ["{t1}:bucket"], arguments: ["100", "50"])
    _ = await measure(callers: options.callers, seconds: 1) { caller, i in
        (try? await redis.evalSHA(script, keys: [RedisArgument("{t\((caller * 7919 + i) % tenants)}:bucket")], arguments: ["100000", "50000"])) != nil
    }
    let ours = await measure(callers: options.callers, seconds: options.seconds) { caller, i in
        (try? await redis.evalSHA(script, keys: [RedisArgument("{t\((caller * 7919 + i * 31) % tenants)}:bucket")], arguments: ["100000", "50000"])) != nil
    }
    let ourOps = Double(ours.calls) / Double(options.seconds)

    let callers = options.callers
    let seconds = options.seconds
    // redis-benchmark counts requests, not time: size the run from our rate so both take about as long.
    let requests = max(50_000, Int(ourOps) * seconds)
    let output = try await runOffPool {
        try DataCommand.check("/usr/bin/redis-benchmark", [
            "-h", "127.0.0.1", "-p", String(server.port), "-c", String(callers), "-n", String(requests),
            "-r", String(tenants), "--csv",
            "EVALSHA", script.sha1, "1", "{t__rand_int__}:bucket", "100000", "50000",
        ], timeout: Double(seconds) * 10 + 60)
    }
    // CSV: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    let dataLine = output.split(separator: "\n").last { $0.hasPrefix("\"EVALSHA") } ?? ""
    let fields = dataLine.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
    let referenceOps = fields.count > 1 ? Double(fields[1]) ?? 0 : 0
    let referenceP99 = fields.count > 6 ? fields[6] : "?"

    print("redis: token-bucket EVALSHA (Redis TIME clock), \(callers) callers, \(seconds) s, \(tenants) keys")
    print(String(format: "  ours             %9.0f ops/s  p50 %.3f ms  p99 %.3f ms  errors %d", ourOps, ours.percentile(0.50), ours.percentile(0.99), ours.errors))
    print(String(format: "  redis-benchmark  %9.0f ops/s  p99 %@ ms", referenceOps, referenceP99))
    print(String(format: "  ratio            %.2f× redis-benchmark (target ≥ 0.70×; p99 target ≤ 1 ms)", referenceOps > 0 ? ourOps / referenceOps : 0))
    return (ourOps, referenceOps)
}

let options = Options(CommandLine.arguments)
do {
    _ = try await benchPostgres(options)
    _ = try await benchRedis(options)
} catch {
    FileHandle.standardError.write(Data("datastore-bench failed: \(error)\n".utf8))
    exit(1)
}
