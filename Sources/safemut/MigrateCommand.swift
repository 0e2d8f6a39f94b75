import ArgumentParser
import Config
import Foundation
import Logging
import Migrations
import Postgres
import Telemetry

/// `safemut migrate [--status]`: applies `db/migrations/NNNN_name.sql` in
/// order, each in its own transaction, under an advisory lock (replicas
/// starting together apply each file once). Exit 0 done; 1 a migration
/// failed (the message names file:line and nothing of that file is kept);
/// 2 configuration (no `DATABASE_URL`); 3 Postgres unreachable.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the database migrations (or show their status).")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "List each migration as applied, pending or changed, and apply nothing.")
    var status = false

    @Option(help: "Directory of NNNN_name.sql files.")
    var directory = "db/migrations"

    func run() async throws {
        let config: SafemutConfig
        do {
            config = try SafemutConfig.load(
                path: options.resolvedPath, environment: ProcessInfo.processInfo.environment,
                cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            Self.fail("\(error)", code: 2)
        }
        Bootstrap.logging(
            format: LogOutputFormat(rawValue: config.log.format.rawValue) ?? .json,
            level: LogLevelControl(Logger.Level(rawValue: config.log.level.rawValue) ?? .info),
            sink: .standardError)
        guard let url = config.database.url else {
            Self.fail("config error: database.url: not set (set DATABASE_URL or database.url)", code: 2)
        }
        let pool: PostgresPool
        do {
            pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 2), logger: Logger(label: "safemut.migrate"))
        } catch {
            Self.fail("config error: database.url: \(error.message)", code: 2)
        }
        defer { pool.close() }
        let migrator = Migrator(pool: pool, directory: directory, logger: Logger(label: "safemut.migrate"))
        do {
            if status {
                for entry in try await migrator.status() {
                    print("\(entry.version)_\(entry.name)\t\(Self.describe(entry.state))")
                }
            } else {
                let applied = try await migrator.migrate()
                for migration in applied { print("applied \(migration.fileName)") }
                print(applied.isEmpty ? "up to date" : "\(applied.count) migration(s) applied")
            }
        } catch {
            Self.fail("\(error)", code: error.kind == .database ? 3 : 1)
        }
    }

    static func describe(_ state: MigrationStatus.State) -> String {
        switch state {
        case .pending: return "pending"
        case .applied: return "applied"
        case .changedSinceApplied: return "CHANGED since it was applied"
        case .missingFile: return "applied, file MISSING"
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut migrate: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
