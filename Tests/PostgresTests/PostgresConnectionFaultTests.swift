import Foundation
import Testing
import TestSupport
@testable import Postgres

/// Bad `DATABASE_URL`s and server faults, each its own test.
@Suite("Postgres connection faults")
struct PostgresConnectionFaultTests {
    @Test func wrongPasswordIsAuthenticationFailed() async throws {
        let server = try await offPool { try DataServers.sharedPostgres() }
        let pool = try PostgresPool(url: server.passwordURL(password: "not-the-password"))
        defer { pool.close() }
        let error = await #expect(throws: PostgresError.self) { _ = try await pool.query("SELECT 1") }
        #expect(error?.kind == .authenticationFailed)
        #expect(error?.message.contains("password authentication failed") == true)
        // And the right password works over the same path.
        let good = try PostgresPool(url: server.passwordURL())
        defer { good.close() }
        #expect(try await good.query("SELECT current_user AS u").single()["u"].string() == server.passwordUser)
    }

    @Test func unknownDatabaseIsTyped() async throws {
        let server = try await offPool { try DataServers.sharedPostgres() }
        let pool = try PostgresPool(url: server.url(database: "no_such_db"))
        defer { pool.close() }
        let error = await #expect(throws: PostgresError.self) { _ = try await pool.query("SELECT 1") }
        #expect(error?.kind == .unknownDatabase)
    }

    @Test func malformedURLIsInvalidConfiguration() {
        let error = #expect(throws: PostgresError.self) { _ = try PostgresConfiguration(url: "postgres://host:notaport:x/db?=") }
        #expect(error?.kind == .invalidConfiguration)
        let bad = #expect(throws: PostgresError.self) { _ = try PostgresConfiguration(url: "host=127.0.0.1 bogus_key=1") }
        #expect(bad?.kind == .invalidConfiguration)
    }

    @Test func keywordValueFormConnects() async throws {
        let server = try await offPool { try DataServers.sharedPostgres() }
        let pool = try PostgresPool(url: "host=127.0.0.1 port=\(server.port) user=postgres dbname=postgres application_name=kv-test")
        defer { pool.close() }
        let name = try await pool.query("SELECT current_setting('application_name') AS a").single()["a"].string()
        #expect(name == "kv-test")
    }

    @Test func sslModeIsHonoured() async throws {
        let server = try await offPool { try DataServers.sharedPostgres() }
        let required = try PostgresPool(url: server.url + "?sslmode=require")
        defer { required.close() }
        let error = await #expect(throws: PostgresError.self) { _ = try await required.query("SELECT 1") }
        #expect(error?.kind == .connectFailed)
        #expect(error?.message.contains("SSL") == true)
        let disabled = try PostgresPool(url: server.url + "?sslmode=disable")
        defer { disabled.close() }
        #expect(try await disabled.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").single()["ssl"].bool() == false)
    }

    @Test func passwordFromPassfileAndPGPASSFILE() async throws {
        let server = try await offPool { try DataServers.sharedPostgres() }
        let directory = try DataCommand.makeTemporaryDirectory(prefix: "safemut-pgpass")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let passfile = directory + "/pgpass"
        try "127.0.0.1:\(server.port):*:\(server.passwordUser):\(server.password)\n".write(toFile: passfile, atomically: true, encoding: .utf8)
        chmod(passfile, 0o600)
        let noPassword = "postgres://\(server.passwordUser)@127.0.0.1:\(server.port)/postgres"

        let viaParameter = try PostgresPool(url: noPassword + "?passfile=\(passfile)")
        defer { viaParameter.close() }
        #expect(try await viaParameter.query("SELECT current_user AS u").single()["u"].string() == server.passwordUser)

        // PGPASSFILE is read by libpq at connect time, exactly as for psql.
        setenv("PGPASSFILE", passfile, 1)
        defer { unsetenv("PGPASSFILE") }
        let viaEnvironment = try PostgresPool(url: noPassword)
        defer { viaEnvironment.close() }
        #expect(try await viaEnvironment.query("SELECT current_user AS u").single()["u"].string() == server.passwordUser)
    }

    @Test func restartMidPoolRecoversAndFailsInFlightTyped() async throws {
        let server = try await offPool { try PostgresServer.start() }
        defer { server.stop() }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: server.url, maxConnections: 4, connectTimeoutSeconds: 2))
        defer { pool.close() }
        // Warm every connection so idle ones die with the server too.
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { _ = try? await pool.query("SELECT pg_sleep(0.1)") } }
        }
        #expect(pool.stats().open == 4)
        let inFlight = Task { try await pool.query("SELECT pg_sleep(30)") }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let active = try await pool.query(
                "SELECT count(*) AS c FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'"
            ).single()["c"].int()
            if active == 1 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        try await offPool { try server.restart() }
        let clock = ContinuousClock()
        let start = clock.now
        let result = await inFlight.result
        #expect(clock.now - start < .seconds(10))
        guard case .failure(let error as PostgresError) = result else {
            Issue.record("in-flight query did not fail with a PostgresError: \(result)")
            return
        }
        #expect(error.kind == .connectionLost)
        // Every connection, idle or not, serves again without a single failed call.
        for _ in 0..<8 {
            #expect(try await pool.query("SELECT 1 AS one").single()["one"].int() == 1)
        }
        await withTaskGroup(of: Int?.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        return try await pool.query("SELECT pg_sleep(0.05), 1 AS one").single()["one"].int()
                    } catch {
                        Issue.record("after restart: \(error)")
                        return nil
                    }
                }
            }
            for await value in group { #expect(value == 1) }
        }
        #expect(pool.stats().open == 4)
    }

    @Test func serverDownFailsFastThenRecovers() async throws {
        let server = try await offPool { try PostgresServer.start() }
        defer { server.stop() }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: server.url, maxConnections: 2, connectTimeoutSeconds: 2))
        defer { pool.close() }
        _ = try await pool.query("SELECT 1")
        try await offPool { server.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: PostgresError.self) { _ = try await pool.query("SELECT 1") }
        #expect(error?.kind == .connectFailed || error?.kind == .connectionLost)
        #expect(clock.now - start < .seconds(5))
        try await offPool { try server.restart() }
        #expect(try await pool.query("SELECT 2 AS two").single()["two"].int() == 2)
    }
}
