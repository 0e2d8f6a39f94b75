import Foundation
import Migrations
import Postgres
import TestSupport

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

/// Our pool against `pgbench -M prepared` running the same statement.
func benchPostgres(_ options: Options) async throws -> Double {
    let server = try await offPool { try PostgresServer.start() }
    defer { server.stop() }
    let url = try await offPool { try server.createDatabase("bench") }
    var configuration = try PostgresConfiguration(url: url)
    if let connections = options.connections { configuration.maxConnections = connections }
    let pool = PostgresPool(configuration: configuration, faults: options.faultsHook ? emptyBookHook : nil)
    defer { pool.close() }
    try await Migrator(pool: pool, directory: options.migrations).migrate()
    _ = try await pool.query("""
        INSERT INTO tenant_budget (tenant_id, daily_usd_limit, monthly_usd_limit)
        SELECT 't' || g, 1000000000, 1000000000 FROM generate_series(1, \(tenants)) g
        """)
    let serverPID = server.pid ?? 0

    let sql = reservationSQL
    _ = await measure(callers: options.callers, seconds: 1) { caller, i in
        (try? await pool.query(sql, [.text("t\((caller * 7919 + i) % tenants + 1)"), .micros(1), .text("warmup")])) != nil
    }
    let selfBefore = Usage.ofSelf()
    let serverBefore = Usage.ofServerTree(serverPID)
    let ours = await measure(callers: options.callers, seconds: options.seconds) { caller, i in
        (try? await pool.query(sql, [.text("t\((caller * 7919 + i * 31) % tenants + 1)"), .micros(1), .text("bench")])) != nil
    }
    let ourCost = Cost(client: Usage.ofSelf() - selfBefore, server: Usage.ofServerTree(serverPID) - serverBefore, operations: ours.calls)
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
    // pgbench prints only the mean latency; its per-transaction log (-l) gives the percentiles.
    let logDirectory = try DataCommand.makeTemporaryDirectory(prefix: "safemut-pgbench-log")
    defer { try? FileManager.default.removeItem(atPath: logDirectory) }
    // Let our backends exit first so the server snapshot holds only pgbench's work.
    try await Task.sleep(for: .milliseconds(300))
    let childrenBefore = Usage.ofReapedChildren()
    let serverBeforeReference = Usage.ofServerTree(serverPID)
    let pgbench = try await offPool {
        try DataCommand.check(server.binDirectory + "/pgbench", [
            "-n", "-M", "prepared", "-c", String(callers), "-j", "2", "-T", String(seconds),
            "-l", "--log-prefix", logDirectory + "/pgbench",
            "-f", script, "-h", "127.0.0.1", "-p", String(server.port), "-U", "postgres", "bench",
        ], timeout: Double(seconds) + 60)
    }
    try await Task.sleep(for: .milliseconds(300))
    let lines = pgbench.split(separator: "\n")
    let processed = lines.first { $0.hasPrefix("number of transactions actually processed: ") }
        .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    let referenceCost = Cost(
        client: Usage.ofReapedChildren() - childrenBefore,
        server: Usage.ofServerTree(serverPID) - serverBeforeReference, operations: processed
    )
    let referenceLatency = pgbenchLatencies(in: logDirectory)
    let tpsLine = lines.first { $0.hasPrefix("tps = ") } ?? ""
    let referenceTPS = Double(tpsLine.dropFirst(6).prefix { $0 != " " }) ?? 0
    let latency = lines.first { $0.hasPrefix("latency average = ") }.map { $0.dropFirst("latency average = ".count) } ?? "?"

    let ratio = referenceTPS > 0 ? ourTPS / referenceTPS : 0
    print("postgres: reservation (UPDATE … RETURNING + ledger INSERT, one round trip), \(callers) callers, \(seconds) s, \(tenants) tenants")
    print("  (ours: pool of \(configuration.maxConnections) connections, statements pipelined when all are busy; pgbench: \(callers) connections)")
    print(String(format: "  ours     %7.0f TPS  p50 %6.3f ms  p99 %6.3f ms  errors %d  | %@", ourTPS, ours.percentile(0.50), ours.percentile(0.99), ours.errors, ourCost.text))
    print(String(format: "  pgbench  %7.0f TPS  p50 %6.3f ms  p99 %6.3f ms  (avg %@) | %@", referenceTPS, referenceLatency.percentile(0.50), referenceLatency.percentile(0.99), String(latency), referenceCost.text))
    print(String(format: "  ratio    %.2f× pgbench TPS (target ≥ 0.80×; p99 target ≤ 2 ms); client CPU/op %.2f× pgbench's", ratio, ourCost.clientMicrosPerOp / max(referenceCost.clientMicrosPerOp, 0.001)))
    print(String(format: "  summary  postgres reservation: ours %.0f TPS p99 %.3f ms | pgbench %.0f TPS p99 %.3f ms | %.2f×", ourTPS, ours.percentile(0.99), referenceTPS, referenceLatency.percentile(0.99), ratio))
    return ratio
}

/// Latencies from pgbench's per-transaction logs (`-l`): one line per
/// transaction, `client_id transaction_no time_us script_no epoch epoch_us`.
func pgbenchLatencies(in directory: String) -> Run {
    var run = Run()
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for file in files {
        guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { continue }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count > 2, let micros = Int64(fields[2]) { run.samples.append(micros) }
        }
    }
    run.calls = run.samples.count
    return run
}
