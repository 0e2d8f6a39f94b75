import Drill
import Foundation
import Kit
import Logging
import Migrations
import Postgres
import Synchronization
import TestSupport

/// What the drill's integration tests share: an archiving source cluster with a migrated
/// ledger database, ledger writes under way, the demo upstream and the gateway config.
enum DrillHarness {
    static let quiet = Logger(label: "test.drill", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A fresh cluster with WAL archiving (1 MiB segments, archive_timeout 1 s) and a migrated
    /// `ledger` database with three audit rows; the caller stops the server and closes the pool.
    static func archivingSource() async throws -> (server: PostgresServer, url: String, pool: PostgresPool) {
        let server = try await offPool { try PostgresServer.start(archiving: WALArchiving()) }
        let url = try await offPool { try server.createDatabase("ledger") }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 4), logger: quiet)
        _ = try await Migrator(pool: pool, directory: MigratedDatabase.migrationsDirectory, logger: quiet).migrate()
        for n in 1...3 {
            // The BEFORE INSERT trigger numbers and hashes each row: a real chain to verify.
            _ = try await pool.query(
                "INSERT INTO audit_log (action, details, created_by) VALUES ($1, '{}'::jsonb, 'drill-test')", [.text("drill.test.\(n)")])
        }
        return (server, url, pool)
    }

    /// The archive's segment file names now, sorted.
    static func archivedSegments(_ server: PostgresServer) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: server.archiveDirectory ?? "")
        return names.filter { $0.utf8.count == 24 }.sorted()
    }

    /// A scratch file path under the temp directory.
    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "safemut-drilltest-\(UUID().uuidString.prefix(8))-\(name)"
    }

    /// The gateway config the scratch gateway serves with: the demo upstream, headers identity.
    static func gatewayConfig(upstreamPort: Int) throws -> String {
        let path = temporaryPath("gateway.yaml")
        // The listen port here is replaced by the drill; 9 is never used.
        try DemoStack.yaml(gatewayPort: 9, upstreamPort: upstreamPort, extra: "log:\n  level: warning\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A probe file: a budgeted mutation for the seeded `demo` tenant.
    static func probeFile() throws -> String {
        let path = temporaryPath("probe.json")
        let probe = #"{"path":"/graphql","headers":{"X-Tenant":"demo"},"body":{"query":"mutation { createEntity(name: \"drill\") { id } }"}}"#
        try probe.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The probe as a value, for in-process runs.
    static var probe: ProbeRequest {
        get throws {
            try ProbeRequest(
                json: Array(#"{"path":"/graphql","headers":{"X-Tenant":"demo"},"body":{"query":"mutation { SafeNoop }"}}"#.utf8),
                source: "test")
        }
    }
}

/// Ledger writes while the drill runs: one `budget_ledger` row every 20 ms until stopped, as
/// a gateway admitting mutations would write them.
final class LedgerLoad: Sendable {
    /// What the writing task and the test share (Atomic and Mutex cannot be copied into it).
    private final class Tally: Sendable {
        let written = Atomic<Int>(0)
        let failures = Mutex<[String]>([])
    }

    private let task: Task<Void, Never>
    private let tally = Tally()

    init(pool: PostgresPool) {
        let tally = self.tally
        task = Task {
            var n = 0
            while !Task.isCancelled {
                n += 1
                do {
                    _ = try await pool.query(
                        "INSERT INTO budget_ledger (tenant_id, estimated_usd, correlation_id) VALUES ('demo', 0.010000, $1)", [.text("load-\(n)")])
                    tally.written.add(1, ordering: .relaxed)
                } catch {
                    tally.failures.withLock { $0.append("\(error)") }
                }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Rows written so far.
    var count: Int { tally.written.load(ordering: .relaxed) }
    var errors: [String] { tally.failures.withLock { $0 } }

    func stop() async {
        task.cancel()
        await task.value
    }
}
