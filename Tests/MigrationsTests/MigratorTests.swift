import Foundation
import Testing
import TestSupport
import Postgres
@testable import Migrations

/// The real `db/migrations` of this repository.
let repositoryMigrations = MigratedDatabase.migrationsDirectory

func freshPool(maxConnections: Int = 4) async throws -> (PostgresPool, String) {
    let url = try await offPool { try DataServers.freshDatabase(prefix: "mig") }
    return (PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: maxConnections)), url)
}

func migrationDirectory(_ files: [String: String]) throws -> String {
    let directory = try DataCommand.makeTemporaryDirectory(prefix: "safemut-migrations")
    for (name, sql) in files {
        try sql.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }
    return directory
}

@Suite("Migrator")
struct MigratorTests {
    @Test func appliesRepositoryMigrationsOnceAndReportsStatus() async throws {
        let (pool, _) = try await freshPool()
        defer { pool.close() }
        let migrator = Migrator(pool: pool, directory: repositoryMigrations)
        let before = try await migrator.status()
        #expect(before.count >= 4)
        #expect(before.allSatisfy { $0.state == .pending })
        let applied = try await migrator.migrate()
        #expect(applied.map(\.version) == before.map(\.version))
        #expect(try await migrator.migrate().isEmpty)
        let after = try await migrator.status()
        #expect(after.allSatisfy { if case .applied = $0.state { true } else { false } })
        let tenants = try await pool.query(
            "SELECT tenant_id, daily_usd_limit, monthly_usd_limit, alert_threshold, canary FROM tenant_budget ORDER BY tenant_id"
        )
        #expect(try tenants.map { try $0["tenant_id"].string() } == ["demo", "maestro-internal", "test"])
        for row in tenants {
            #expect(try row["daily_usd_limit"].micros() == 25_000_000)
            #expect(try row["monthly_usd_limit"].micros() == 750_000_000)
            #expect(try row["alert_threshold"].micros() == 800_000)
            #expect(try row["canary"].bool())
        }
    }

    @Test func syntaxErrorStopsNamesFileAndLineAndAppliesNothingOfIt() async throws {
        let directory = try migrationDirectory([
            "0001_first.sql": "CREATE TABLE first_table (x int);\n",
            "0002_broken.sql": "CREATE TABLE half_done (x int);\n\n-- the next statement is wrong\nSELEC 1;\nCREATE TABLE never (y int);\n",
            "0003_after.sql": "CREATE TABLE after_table (z int);\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (pool, _) = try await freshPool()
        defer { pool.close() }
        let migrator = Migrator(pool: pool, directory: directory)
        let error = await #expect(throws: MigrationError.self) { try await migrator.migrate() }
        #expect(error?.kind == .failed)
        #expect(error?.file == "0002_broken.sql")
        #expect(error?.line == 4)
        #expect(error?.column == 1)
        #expect(error?.underlying?.sqlState == "42601")
        #expect(error?.description.hasPrefix("0002_broken.sql:4:1: syntax error") == true)
        let tables = try await pool.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        ).map { try $0["table_name"].string() }
        #expect(tables == ["first_table", "schema_migrations"])  // nothing of 0002, and 0003 not attempted
        let versions = try await pool.query("SELECT version FROM schema_migrations").map { try $0["version"].string() }
        #expect(versions == ["0001"])
        let status = try await migrator.status()
        #expect(status.map(\.state.isPending) == [false, true, true])
    }

    @Test func errorInsideFunctionBodyNamesTheLine() async throws {
        let directory = try migrationDirectory([
            "0001_fn.sql": "CREATE TABLE t (x int);\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1\n  RETURN 2;\nEND;\n$$;\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (pool, _) = try await freshPool()
        defer { pool.close() }
        let error = await #expect(throws: MigrationError.self) { try await Migrator(pool: pool, directory: directory).migrate() }
        #expect(error?.file == "0001_fn.sql")
        #expect(error?.line == 5)
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        let directory = try migrationDirectory([
            "0001_table.sql": "CREATE TABLE applied (n int);\n",
            "0002_slow.sql": "SELECT pg_sleep(0.3);\nINSERT INTO applied VALUES (2);\n",
            "0003_more.sql": "INSERT INTO applied VALUES (3);\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (first, url) = try await freshPool()
        let second = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 2))
        defer { first.close(); second.close() }
        async let a = Migrator(pool: first, directory: directory).migrate()
        async let b = Migrator(pool: second, directory: directory).migrate()
        let (appliedA, appliedB) = try await (a, b)
        let all = (appliedA + appliedB).map(\.version).sorted()
        #expect(all == ["0001", "0002", "0003"])
        #expect(Set(appliedA.map(\.version)).isDisjoint(with: appliedB.map(\.version)))
        let rows = try await first.query("SELECT n FROM applied ORDER BY n").map { try $0["n"].int() }
        #expect(rows == [2, 3])
        #expect(try await first.query("SELECT count(*) AS c FROM schema_migrations").single()["c"].int() == 3)
    }

    @Test func badFileNameIsRefused() async throws {
        let directory = try migrationDirectory(["first.sql": "SELECT 1;"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let error = #expect(throws: MigrationError.self) { _ = try Migration.load(directory: directory) }
        #expect(error?.kind == .badFileName)
        #expect(error?.file == "first.sql")
    }

    @Test func positionToLineCountsCharactersNotBytes() {
        let migration = Migration(version: "1", name: "x", fileName: "1_x.sql", sql: "-- é€\nSELEC 1;")
        // "-- é€\n" is 6 characters; position 7 is the S of SELEC.
        #expect(migration.location(ofPosition: 7) == (2, 1))
        #expect(migration.location(ofPosition: 1) == (1, 1))
    }
}

extension MigrationStatus.State {
    var isPending: Bool { self == .pending }
}
