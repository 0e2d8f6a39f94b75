import Foundation
import Testing
import TestSupport
@testable import Postgres

/// Independent callers' statements pipelined on few connections (libpq
/// pipeline mode), against a real Postgres.
@Suite("Postgres pipelining")
struct PostgresPipelineTests {
    func pool(maxConnections: Int, depth: Int = 32) async throws -> PostgresPool {
        let url = try await offPool { try DataServers.freshDatabase(prefix: "pgp") }
        return PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: maxConnections, maxPipelineDepth: depth))
    }

    @Test func everyCallerGetsItsOwnRowsFromAPipeline() async throws {
        let pool = try await pool(maxConnections: 2)
        defer { pool.close() }
        let wrong = await withTaskGroup(of: Int.self) { group in
            for caller in 0..<64 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<5 {
                        let n = Int64(caller * 100 + round)
                        let row = try? await pool.query("SELECT $1::bigint AS n, $2::text AS s, pg_backend_pid() AS pid", [.int(n), .text("c\(n)")]).single()
                        if (try? row?["n"].int64()) != n || (try? row?["s"].string()) != "c\(n)" { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
        let stats = pool.stats()
        #expect(stats.open == 2)
        #expect(stats.pipelined > 0)  // 64 callers on 2 connections did share pipelines
        #expect(stats.inFlight == 0)
        #expect(stats.acquired == 320)
    }

    @Test func aFailingStatementFailsOnlyItself() async throws {
        let pool = try await pool(maxConnections: 1)
        defer { pool.close() }
        _ = try await pool.withConnection { try await $0.query("CREATE TABLE u (k int PRIMARY KEY)") }
        _ = try await pool.query("INSERT INTO u VALUES (0)")
        // Hold the only connection busy first, so the 40 callers below must
        // queue behind it and go out pipelined, however the tasks are scheduled.
        let blocker = Task { try await pool.query("SELECT pg_sleep(0.3)") }
        for _ in 0..<400 where pool.stats().inUse == 0 && pool.stats().inFlight == 0 {
            try await Task.sleep(for: .milliseconds(5))
        }
        // 0 is taken: callers 0, 10, 20 … collide with it or each other; the bad one has a syntax error.
        let outcomes = await withTaskGroup(of: (Int, PostgresError.Kind?).self) { group in
            for caller in 0..<40 {
                group.addTask {
                    let sql = caller == 7 ? "INSERT INTO u VALUES (((" : "INSERT INTO u VALUES ($1)"
                    do throws(PostgresError) {
                        _ = try await pool.query(sql, caller == 7 ? [] : [.int(Int64(caller % 10 == 0 ? 0 : caller))])
                        return (caller, nil)
                    } catch {
                        return (caller, error.kind)
                    }
                }
            }
            return await group.reduce(into: [Int: PostgresError.Kind?]()) { $0[$1.0] = $1.1 }
        }
        for (caller, kind) in outcomes {
            if caller == 7 {
                #expect(kind == .syntaxError)
            } else if caller % 10 == 0 {
                #expect(kind == .uniqueViolation)
            } else {
                #expect(kind == nil)
            }
        }
        // Each success committed on its own: 1 seed + 40 callers − 4 duplicates − 1 syntax error.
        _ = try await blocker.value
        #expect(try await pool.query("SELECT count(*) AS c FROM u").single()["c"].int() == 36)
        #expect(pool.stats().pipelined > 0)
    }

    @Test func transactionControlNeverLeaksIntoNeighbours() async throws {
        let pool = try await pool(maxConnections: 2)
        defer { pool.close() }
        _ = try await pool.withConnection { try await $0.query("CREATE TABLE v (n int)") }
        await withTaskGroup(of: Void.self) { group in
            for caller in 0..<30 {
                group.addTask {
                    if caller % 10 == 5 {
                        // Runs alone on a leased connection; the pool rolls it back on return.
                        _ = try? await pool.query("BEGIN")
                    } else {
                        _ = try? await pool.query("INSERT INTO v VALUES ($1)", [.int(Int64(caller))])
                    }
                }
            }
        }
        // Every insert committed; none was swallowed by another caller's open transaction.
        #expect(try await pool.query("SELECT count(*) AS c FROM v").single()["c"].int() == 27)
    }

    @Test func connectionLostMidPipelineFailsEachInFlightStatementTyped() async throws {
        let server = try await offPool { try DataServers.sharedPostgres() }
        let url = try await offPool { try DataServers.freshDatabase(prefix: "pgl") }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 1, maxPipelineDepth: 32))
        defer { pool.close() }
        _ = try await pool.query("SELECT 1")
        let database = String(url.split(separator: "/").last ?? "")
        let tasks = (0..<6).map { i in
            Task { try await pool.query("SELECT pg_sleep(0.4), $1::int AS i", [.int(Int64(i))]) }
        }
        // Wait until the pipeline is running on the server, then kill its backend.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        var killed = false
        while !killed && clock.now < deadline {
            let output = try await offPool {
                try server.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND query LIKE 'SELECT pg_sleep(0.4)%' AND state = 'active'")
            }
            killed = output.split(separator: "\n").contains("t")
            if !killed { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(killed)
        var lost = 0
        for task in tasks {
            switch await task.result {
            case .success: break  // finished before the kill
            case .failure(let error):
                #expect((error as? PostgresError)?.kind == .connectionLost)
                lost += 1
            }
        }
        #expect(lost >= 1)
        #expect(clock.now < deadline)
        // The connection is replaced on next use.
        #expect(try await pool.query("SELECT 2 AS two").single()["two"].int() == 2)
    }
}

extension PostgresPipelineTests {
    @Test func aLeaseIsNotStarvedByAStreamOfSharedStatements() async throws {
        let url = try await offPool { try DataServers.freshDatabase(prefix: "pgs") }
        let pool = PostgresPool(configuration: try PostgresConfiguration(
            url: url, maxConnections: 1, maxPipelineDepth: 32, acquireTimeout: .seconds(3)
        ))
        defer { pool.close() }
        let clock = ContinuousClock()
        let until = clock.now + .milliseconds(1500)
        // Eight callers keep the only connection's pipeline busy for 1.5 s.
        let flood = Task {
            await withTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var done = 0
                        while clock.now < until {
                            if (try? await pool.query("SELECT pg_sleep(0.005)")) != nil { done += 1 }
                        }
                        return done
                    }
                }
                return await group.reduce(0, +)
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let start = clock.now
        let leased = try await pool.withConnection { session in
            try await session.query("SELECT 7 AS seven").single()["seven"].int()
        }
        #expect(leased == 7)
        #expect(clock.now - start < .seconds(2))
        #expect(await flood.value > 0)
    }
}
