import ArgumentParser
import Foundation
import Migrations
import Postgres

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
        // The pool's default acquire timeout (5 s), as `migrate` has always waited.
        let command = DatabaseCommand(name: "migrate", options: options, acquireTimeout: .seconds(5))
        let pool = command.pool
        defer { pool.close() }
        let migrator = Migrator(pool: pool, directory: directory, logger: command.logger)
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
