import Logging
import Migrations
import Postgres

/// A fresh database on the shared test Postgres with every migration of `db/migrations`
/// applied: the start of every store test, in one place.
public enum MigratedDatabase {
    public static var migrationsDirectory: String { Binaries.repositoryRoot + "/db/migrations" }

    /// A logger that drops everything (store tests assert on results, not log lines).
    public static func quietLogger(_ label: String) -> Logger {
        Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// The database's URL and a pool of `maxConnections` on it (the caller closes it).
    public static func make(prefix: String, maxConnections: Int = 8, logger: Logger = quietLogger("test.db")) async throws -> (url: String, pool: PostgresPool) {
        let url = try await offPool { try DataServers.freshDatabase(prefix: prefix) }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: maxConnections), logger: logger)
        try await Migrator(pool: pool, directory: migrationsDirectory, logger: logger).migrate()
        return (url, pool)
    }
}
