import Config
import Foundation
import Logging
import Postgres

/// What `audit verify`, `reconcile`, `escalate` and `migrate` share: the serve configuration (file
/// plus environment, SPEC §7), logs on stderr, a small pool, and their exit codes
/// (2 configuration, 3 Postgres unreachable or not migrated).
struct DatabaseCommand {
    let name: String
    let config: SafemutConfig
    let pool: PostgresPool
    let logger: Logger

    /// Loads the configuration and opens a pool (lazily: nothing connects yet); exits 2
    /// when the configuration is bad or has no `database.url`. `acquireTimeout` is short by
    /// default: an operator at a terminal wants "unreachable" in seconds.
    init(name: String, options: ConfigOptions, acquireTimeout: Duration = .seconds(10)) {
        self.name = name
        let loaded = options.load(name)
        loaded.bootstrapStandardErrorLogging()
        pool = Self.openPool(name, loaded, logger: Logger(label: "safemut.\(name)"), acquireTimeout: acquireTimeout)
        config = loaded
        logger = Logger(label: "safemut.\(name)")
    }

    /// A pool of two connections on `database.url` (lazily: nothing connects yet); exits 2
    /// when it is not set or not a valid URL.
    static func openPool(_ name: String, _ config: SafemutConfig, logger: Logger, acquireTimeout: Duration = .seconds(5)) -> PostgresPool {
        guard let url = config.database.url else {
            fail(name, "config error: database.url: not set (set DATABASE_URL or database.url)", code: 2)
        }
        do {
            return PostgresPool(
                configuration: try PostgresConfiguration(url: url, maxConnections: 2, acquireTimeout: acquireTimeout), logger: logger)
        } catch {
            fail(name, "config error: database.url: \(error.message)", code: 2)
        }
    }

    /// Calls `body` with the pool, then closes the pool; a failure exits 3 (`failDatabase`).
    func withPool<T>(_ body: (PostgresPool) async throws -> T) async -> T {
        let result: T
        do {
            result = try await body(pool)
        } catch {
            failDatabase(error)
        }
        pool.close()
        return result
    }

    /// Exits 3 for a Postgres failure, saying whether it is reachability or the schema.
    func failDatabase(_ error: any Error) -> Never {
        pool.close()
        if let error = error as? PostgresError, error.sqlState == "42P01" || error.sqlState == "42883" {
            Self.fail(name, "\(error) (is the database migrated? run safemut migrate)", code: 3)
        }
        Self.fail(name, "Postgres unreachable or failing: \(error)", code: 3)
    }

    /// Who runs the command, for `decided_by` and audit rows: `cli:<OS user>`.
    static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        return "cli:" + (environment["USER"] ?? environment["LOGNAME"] ?? "unknown")
    }

    static func fail(_ name: String, _ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut \(name): \(message)\n".utf8))
        Foundation.exit(code)
    }
}
