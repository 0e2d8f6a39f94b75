import ArgumentParser
import Config
import Foundation
import Logging
import PersistedQueries
import Postgres
import Redis

/// `safemut pq export [--output F]`: the live allowlist as an Apollo persisted-query
/// manifest (the format `pq sync` and `POST /admin/persisted-queries/allowlist` take), sorted
/// so two exports diff cleanly. Hashes added without their document (`"action":"add"`)
/// cannot be written as manifest operations; they are counted on stderr.
struct PQExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Print the live allowlist as an Apollo persisted-query manifest.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "Write the manifest here instead of stdout.")
    var output: String?

    @Option(help: "Which environment's allowlist (default: the config's environment).")
    var environment: String?

    func run() async throws {
        let config = options.load("pq", cpuCount: 1)
        guard let databaseURL = config.database.url else {
            PQSyncCommand.fail("config error: database.url: not set (set DATABASE_URL or database.url)", code: 2)
        }
        let logger = Logger(label: "safemut.pq")
        let pool: PostgresPool
        let redis: RedisClient
        do {
            pool = PostgresPool(configuration: try PostgresConfiguration(url: databaseURL, maxConnections: 2), logger: logger)
            // Never called: the export reads Postgres, the durable set.
            redis = RedisClient(configuration: try RedisConfiguration(url: config.redis.url ?? "redis://127.0.0.1:6379", maxConnections: 1), logger: logger)
        } catch {
            PQSyncCommand.fail("config error: \(error)", code: 2)
        }
        defer {
            pool.close()
            redis.close()
        }
        let store = AllowlistStore(postgres: pool, redis: redis, environment: environment ?? config.environment, logger: logger)
        let manifest: PersistedQueryManifest
        let total: Int
        do {
            manifest = try await store.exportManifest()
            total = try await store.entries().count
        } catch {
            PQSyncCommand.fail("\(error)", code: 3)
        }
        let bytes = manifest.jsonBytes()
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                PQSyncCommand.fail("cannot write \(output)", code: 2)
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes + [0x0A]))
        }
        let withoutBody = total - manifest.operations.count
        if withoutBody > 0 {
            FileHandle.standardError.write(Data("safemut pq export: \(withoutBody) hash(es) on the allowlist have no document and are not in the manifest\n".utf8))
        }
    }
}
