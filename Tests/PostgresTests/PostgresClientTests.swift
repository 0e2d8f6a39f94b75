import Foundation
import Testing
import TestSupport
@testable import Postgres

/// Against the shared real Postgres; each test in a database of its own.
@Suite("Postgres client")
struct PostgresClientTests {
    func pool(maxConnections: Int = 4, statementTimeout: Duration? = nil, acquireTimeout: Duration = .seconds(5)) async throws -> PostgresPool {
        let url = try await offPool { try DataServers.freshDatabase(prefix: "pgc") }
        return PostgresPool(configuration: try PostgresConfiguration(
            url: url, maxConnections: maxConnections, acquireTimeout: acquireTimeout, statementTimeout: statementTimeout
        ))
    }

    @Test func decodesEveryTypedColumn() async throws {
        let pool = try await pool()
        defer { pool.close() }
        let row = try await pool.query("""
            SELECT 'héllo'::text AS t, 9007199254740993::bigint AS b, 7::int AS i,
                   123456789012.345678::numeric(20,6) AS n, true AS yes, false AS no,
                   '2024-02-29 12:34:56.789012+00'::timestamptz AS ts, '{"a": [1, "x"]}'::jsonb AS j,
                   '\\x00ff10'::bytea AS raw, '6f1c2d3e-0000-4000-8000-00000000abcd'::uuid AS id, NULL::text AS nothing
            """).single()
        #expect(try row["t"].string() == "héllo")
        #expect(try row["b"].int64() == 9_007_199_254_740_993)
        #expect(try row["i"].int() == 7)
        #expect(try row["n"].micros() == 123_456_789_012_345_678)
        #expect(try row["n"].decimal() == Decimal(string: "123456789012.345678"))
        #expect(try row["yes"].bool() == true)
        #expect(try row["no"].bool() == false)
        #expect(try row["ts"].timestampMicros() == 1_709_210_096_789_012)
        struct J: Decodable, Equatable { let a: [Field] }
        enum Field: Decodable, Equatable {
            case n(Int), s(String)
            init(from decoder: any Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let n = try? c.decode(Int.self) { self = .n(n) } else { self = .s(try c.decode(String.self)) }
            }
        }
        #expect(try row["j"].json(as: J.self) == J(a: [.n(1), .s("x")]))
        #expect(try row["raw"].byteArray() == [0, 255, 16])
        #expect(try row["id"].uuid() == UUID(uuidString: "6f1c2d3e-0000-4000-8000-00000000abcd"))
        #expect(row["nothing"].isNull)
        #expect(row["nothing"].nonNull == nil)
        #expect(throws: PostgresError.self) { try row["nothing"].string() }
        #expect(throws: PostgresError.self) { try row["no_such_column"].string() }
        #expect(throws: PostgresError.self) { try row["t"].int64() }
    }

    @Test func numericMoneyIsExactBothWays() async throws {
        let pool = try await pool()
        defer { pool.close() }
        _ = try await pool.query("CREATE TABLE spend (usd numeric(20,6) NOT NULL)")
        for _ in 0..<10 {
            _ = try await pool.query("INSERT INTO spend (usd) VALUES ($1)", [.micros(100_000)])  // $0.10
        }
        let total = try await pool.query("SELECT sum(usd) AS total FROM spend").single()["total"].micros()
        #expect(total == 1_000_000)  // exactly $1.00, never 0.9999999
        let echoed = try await pool.query("SELECT $1::numeric(20,6) AS v", [.micros(-12_345_678)]).single()["v"].micros()
        #expect(echoed == -12_345_678)
        // A computed value with more than six places is refused rather than rounded.
        let third = try await pool.query("SELECT 1::numeric / 3 AS v").single()["v"]
        #expect(throws: PostgresError.self) { try third.micros() }
    }

    @Test func parametersAreBoundNotSpliced() async throws {
        let pool = try await pool()
        defer { pool.close() }
        _ = try await pool.query("CREATE TABLE notes (body text, blob bytea, at timestamptz, doc jsonb, id uuid)")
        let hostile = "'); DROP TABLE notes; --"
        let blob: [UInt8] = [0, 1, 0, 255, 39, 92]
        let at = Date(timeIntervalSince1970: 1_700_000_000.25)
        let id = UUID()
        let inserted = try await pool.query(
            "INSERT INTO notes VALUES ($1, $2, $3, $4::jsonb, $5)",
            [.text(hostile), .bytes(blob), .timestamp(at), .json(#"{"k":"v"}"#), .uuid(id)]
        )
        #expect(inserted.affectedRows == 1)
        let row = try await pool.query("SELECT * FROM notes WHERE body = $1", [.text(hostile)]).single()
        #expect(try row["body"].string() == hostile)
        #expect(try row["blob"].byteArray() == blob)
        #expect(try row["at"].timestampMicros() == 1_700_000_000_250_000)
        #expect(try row["doc"].string() == #"{"k": "v"}"#)
        #expect(try row["id"].uuid() == id)
        let nulls = try await pool.query("SELECT $1::text IS NULL AS isnull", [nil]).single()
        #expect(try nulls["isnull"].bool())
    }

    @Test func uniqueAndCheckViolationsAreTyped() async throws {
        let pool = try await pool()
        defer { pool.close() }
        _ = try await pool.query("CREATE TABLE t (k text PRIMARY KEY, n int CHECK (n >= 0))")
        _ = try await pool.query("INSERT INTO t VALUES ($1, $2)", ["a", 1])
        let duplicate = await #expect(throws: PostgresError.self) {
            _ = try await pool.query("INSERT INTO t VALUES ($1, $2)", ["a", 2])
        }
        #expect(duplicate?.kind == .uniqueViolation)
        #expect(duplicate?.sqlState == "23505")
        #expect(duplicate?.constraint == "t_pkey")
        let negative = await #expect(throws: PostgresError.self) {
            _ = try await pool.query("INSERT INTO t VALUES ($1, $2)", ["b", -1])
        }
        #expect(negative?.kind == .checkViolation)
        // The pool still works after errors.
        #expect(try await pool.query("SELECT count(*) AS c FROM t").single()["c"].int() == 1)
    }

    @Test func transactionCommitsOrRollsBackOnThrow() async throws {
        let pool = try await pool()
        defer { pool.close() }
        _ = try await pool.query("CREATE TABLE ledger (n int)")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.transaction { tx in
                _ = try await tx.query("INSERT INTO ledger VALUES (1)")
                throw Boom()
            }
        }
        try await pool.transaction { tx in _ = try await tx.query("INSERT INTO ledger VALUES (2)") }
        let rows = try await pool.query("SELECT n FROM ledger")
        #expect(try rows.map { try $0["n"].int() } == [2])
    }

    @Test func serializationFailureIsTyped() async throws {
        let pool = try await pool()
        defer { pool.close() }
        _ = try await pool.query("CREATE TABLE s (n int)")
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { a in
                try await pool.withConnection { b in
                    try await a.executeScript("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    try await b.executeScript("BEGIN ISOLATION LEVEL SERIALIZABLE")
                    _ = try await a.query("SELECT count(*) FROM s")
                    _ = try await b.query("SELECT count(*) FROM s")
                    _ = try await a.query("INSERT INTO s VALUES (1)")
                    _ = try await b.query("INSERT INTO s VALUES (2)")
                    try await a.executeScript("COMMIT")
                    try await b.executeScript("COMMIT")
                }
            }
        }
        #expect(error?.kind == .serializationFailure)
        // The abandoned transaction was rolled back when its connection came back.
        #expect(try await pool.query("SELECT count(*) AS c FROM s").single()["c"].int() == 1)
    }

    @Test func advisoryLockIsExclusiveAcrossSessions() async throws {
        let pool = try await pool()
        defer { pool.close() }
        let inner: Bool? = try await pool.withAdvisoryLock(4242) { _ in
            try await pool.withTryAdvisoryLock(4242) { _ in true }
        }
        #expect(inner == .some(nil))  // the second session could not take it
        let afterwards = try await pool.withTryAdvisoryLock(4242) { _ in true }
        #expect(afterwards == true)
    }

    @Test func statementTimeoutIsQueryCanceled() async throws {
        let pool = try await pool(statementTimeout: .milliseconds(200))
        defer { pool.close() }
        let error = await #expect(throws: PostgresError.self) {
            _ = try await pool.query("SELECT pg_sleep(5)")
        }
        #expect(error?.kind == .queryCanceled)
        // SQLSTATE 57014 is the proof that the statement timeout cancelled pg_sleep(5).
        #expect(error?.sqlState == "57014")
        #expect(try await pool.query("SELECT 1 AS one").single()["one"].int() == 1)
    }

    @Test func cancelledTaskCancelsItsStatement() async throws {
        let pool = try await pool()
        defer { pool.close() }
        let task = Task { try await pool.query("SELECT pg_sleep(10)") }
        // Wait until the statement is running on the server, then cancel the task.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let running = try await pool.query(
                "SELECT count(*) AS c FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(10)' AND state = 'active'"
            ).single()["c"].int()
            if running == 1 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result else {
            Issue.record("a cancelled pg_sleep(10) returned")
            return
        }
        #expect((error as? PostgresError)?.kind == .queryCanceled)
    }

    @Test func poolTimesOutWaitersWhenExhausted() async throws {
        let pool = try await pool(maxConnections: 2, acquireTimeout: .milliseconds(300))
        defer { pool.close() }
        try await pool.withConnection { _ in
            try await pool.withConnection { _ in
                #expect(pool.stats().inUse == 2)
                let error = await #expect(throws: PostgresError.self) { _ = try await pool.query("SELECT 1") }
                #expect(error?.kind == .poolTimeout)
            }
        }
        let stats = pool.stats()
        #expect(stats.acquireTimeouts == 1)
        #expect(stats.errors[.poolTimeout] == 1)
        #expect(stats.inUse == 0)
        #expect(try await pool.query("SELECT 1 AS one").single()["one"].int() == 1)
    }

    @Test func poolNeverOpensMoreThanItsBound() async throws {
        let pool = try await pool(maxConnections: 2, acquireTimeout: .seconds(30))
        defer { pool.close() }
        // Shared statements beyond the bound are pipelined on the two connections.
        let results = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { (try? await pool.query("SELECT pg_sleep(0.05)")) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results == Array(repeating: true, count: 8))
        var stats = pool.stats()
        #expect(stats.open == 2)
        #expect(stats.inUse == 0)
        #expect(stats.inFlight == 0)
        #expect(stats.acquired == 8)
        // Leases beyond the bound wait for a connection.
        let leased = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? await pool.withConnection { try await $0.query("SELECT pg_sleep(0.05)") }) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(leased == Array(repeating: true, count: 8))
        stats = pool.stats()
        #expect(stats.open == 2)
        #expect(stats.acquired == 16)
        #expect(stats.maxWait > .zero)
        let backends = try await pool.query(
            "SELECT count(*) AS c FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
        ).single()["c"].int()
        #expect(backends <= 2)
    }

    @Test func pingMeasuresLatency() async throws {
        let pool = try await pool()
        defer { pool.close() }
        let latency = try await pool.ping()
        #expect(latency > .zero && latency < .seconds(5))
    }
}
