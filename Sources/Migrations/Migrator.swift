import Logging
import Postgres

/// Applies `db/migrations` in order, each file in its own transaction, records
/// them in `schema_migrations`, and holds a Postgres advisory lock while it
/// works so replicas starting together apply each file exactly once.
///
/// Files run with the simple-query protocol (they are scripts, never built
/// from input), so they must not contain their own `BEGIN`/`COMMIT` or
/// statements that refuse to run in a transaction (`CREATE INDEX CONCURRENTLY`).
public struct Migrator: Sendable {
    /// The advisory lock key (`'safemut'` in ASCII, as a bigint).
    public static let defaultLockKey: Int64 = 0x73_61_66_65_6D_75_74

    public let pool: PostgresPool
    public let directory: String
    public let lockKey: Int64
    let logger: Logger

    public init(pool: PostgresPool, directory: String, lockKey: Int64 = Migrator.defaultLockKey, logger: Logger = Logger(label: "safemut.migrate")) {
        self.pool = pool
        self.directory = directory
        self.lockKey = lockKey
        self.logger = logger
    }

    /// Applies every pending migration; returns those this call applied (empty
    /// when another migrator already did). Stops at the first failing file.
    @discardableResult
    public func migrate() async throws(MigrationError) -> [Migration] {
        let migrations = try Migration.load(directory: directory)
        do {
            return try await pool.withAdvisoryLock(lockKey) { session in
                try await ensureTable(session)
                let applied = try await appliedVersions(session)
                var done: [Migration] = []
                for migration in migrations where applied[migration.version] == nil {
                    try await apply(migration, on: session)
                    done.append(migration)
                }
                return done
            }
        } catch let error as MigrationError {
            throw error
        } catch let error as PostgresError {
            throw MigrationError(.database, file: directory, message: error.description, underlying: summary(error))
        } catch {
            throw MigrationError(.database, file: directory, message: "\(error)")
        }
    }

    /// Every migration file and whether it is applied (and unchanged since).
    public func status() async throws(MigrationError) -> [MigrationStatus] {
        let migrations = try Migration.load(directory: directory)
        do {
            let applied = try await pool.withConnection { session in
                try await ensureTable(session)
                return try await appliedVersions(session)
            }
            var result: [MigrationStatus] = migrations.map { migration in
                guard let record = applied[migration.version] else {
                    return MigrationStatus(version: migration.version, name: migration.name, state: .pending)
                }
                let state: MigrationStatus.State = record.checksum == Self.checksum(migration.sql)
                    ? .applied(atMicros: record.appliedAtMicros) : .changedSinceApplied(atMicros: record.appliedAtMicros)
                return MigrationStatus(version: migration.version, name: migration.name, state: state)
            }
            let known = Set(migrations.map(\.version))
            for (version, record) in applied.sorted(by: { $0.key < $1.key }) where !known.contains(version) {
                result.append(MigrationStatus(version: version, name: record.name, state: .missingFile(atMicros: record.appliedAtMicros)))
            }
            return result
        } catch let error as PostgresError {
            throw MigrationError(.database, file: directory, message: error.description, underlying: summary(error))
        } catch {
            throw MigrationError(.database, file: directory, message: "\(error)")
        }
    }

    private struct Record: Sendable {
        let name: String
        let checksum: String
        let appliedAtMicros: Int64
    }

    private func ensureTable(_ session: PostgresSession) async throws(PostgresError) {
        try await session.executeScript("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     text PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now(),
                duration_ms bigint NOT NULL DEFAULT 0
            )
            """)
    }

    private func appliedVersions(_ session: PostgresSession) async throws(PostgresError) -> [String: Record] {
        var records: [String: Record] = [:]
        for row in try await session.query("SELECT version, name, checksum, applied_at FROM schema_migrations") {
            records[try row["version"].string()] = Record(
                name: try row["name"].string(), checksum: try row["checksum"].string(),
                appliedAtMicros: try row["applied_at"].timestampMicros()
            )
        }
        return records
    }

    private func apply(_ migration: Migration, on session: PostgresSession) async throws(MigrationError) {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await session.transaction { tx in
                try await tx.executeScript(migration.sql)
                let elapsed = clock.now - start
                _ = try await tx.query(
                    "INSERT INTO schema_migrations (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
                    [.text(migration.version), .text(migration.name), .text(Self.checksum(migration.sql)),
                     .int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)]
                )
            }
        } catch let error as PostgresError {
            let location = error.position.map { migration.location(ofPosition: $0) }
            throw MigrationError(
                .failed, file: migration.fileName, line: location?.line, column: location?.column,
                message: error.message + (error.sqlState.map { " (SQLSTATE \($0))" } ?? ""), underlying: summary(error)
            )
        } catch {
            throw MigrationError(.failed, file: migration.fileName, message: "\(error)")
        }
        logger.info("applied migration", metadata: ["migration.file": .string(migration.fileName)])
    }

    private func summary(_ error: PostgresError) -> PostgresErrorSummary {
        PostgresErrorSummary(sqlState: error.sqlState, kind: error.kind.rawValue)
    }

    /// FNV-1a 64 of the file's bytes, in hex: enough to notice an edited file.
    static func checksum(_ sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Where one migration file stands.
public struct MigrationStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case pending
        case applied(atMicros: Int64)
        /// Applied, but the file's text has changed since.
        case changedSinceApplied(atMicros: Int64)
        /// Recorded in `schema_migrations` with no file on disk.
        case missingFile(atMicros: Int64)
    }

    public let version: String
    public let name: String
    public let state: State
}
