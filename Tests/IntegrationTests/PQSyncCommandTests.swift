import Foundation
import Crypto
import Testing
import TestSupport

/// `safemut pq sync` reads the same configuration as `serve` (file plus environment).
@Suite("safemut pq sync", .serialized)
struct PQSyncCommandTests {
    static func sync(_ arguments: [String], environment: [String: String], config: String? = nil) throws -> (status: Int32?, output: String) {
        try pq("sync", arguments, environment: environment, config: config)
    }

    static func pq(_ command: String, _ arguments: [String], environment: [String: String], config: String? = nil) throws -> (status: Int32?, output: String) {
        var env = ProcessInfo.processInfo.environment
        for key in ["DATABASE_URL", "REDIS_URL", "ENVIRONMENT", "PQ_PHASE"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        let process = try ManagedProcess(
            name: "safemut-pq-sync", executable: try Binaries.path("safemut"),
            arguments: ["pq", command] + (config.map { ["--config", $0] } ?? []) + arguments,
            environment: env, currentDirectory: NSTemporaryDirectory())
        let status = process.waitForExit(timeout: 60)
        return (status, process.output())
    }

    static func write(_ text: String, name: String) throws -> String {
        let path = NSTemporaryDirectory() + "pqsync-\(UUID().uuidString.prefix(8))-\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("dry run prints the diff and changes nothing; the sync applies it; a second sync has nothing to do; export gives it back")
    func dryRunThenApply() throws {
        let database = try PQStack.migratedDatabase()
        let redis = try DataServers.sharedRedis().url
        let env = ["DATABASE_URL": database, "REDIS_URL": redis, "ENVIRONMENT": "sync-\(UUID().uuidString.prefix(8))"]
        let manifest = try Self.write(manifestJSON([("Health", "query", "query Health { health }")]), name: "manifest.json")
        defer { try? FileManager.default.removeItem(atPath: manifest) }

        let dry = try Self.sync([manifest, "--dry-run"], environment: env)
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.output.contains("+ "), "\(dry.output)")
        #expect(dry.output.contains("nothing changed"))
        let applied = try Self.sync([manifest], environment: env)
        #expect(applied.status == 0, "\(applied.output)")
        #expect(applied.output.contains("applied:"))
        let again = try Self.sync([manifest, "--dry-run"], environment: env)
        #expect(again.status == 0)
        #expect(!again.output.contains("+ "), "\(again.output)")

        // Out again: the export is a manifest holding the synced operation.
        let exported = try Self.pq("export", [], environment: env)
        #expect(exported.status == 0, "\(exported.output)")
        #expect(exported.output.contains("apollo-persisted-query-manifest"))
        #expect(exported.output.contains(sha256Hex("query Health { health }")))
    }

    @Test("pq.require_signature in the config refuses an unsigned manifest (exit 1) and accepts a signed one")
    func signatureFromConfig() throws {
        let database = try PQStack.migratedDatabase()
        let redis = try DataServers.sharedRedis().url
        let env = ["DATABASE_URL": database, "REDIS_URL": redis, "ENVIRONMENT": "sync-\(UUID().uuidString.prefix(8))"]
        let secret = "correct horse battery staple"
        let keyFile = try Self.write(secret + "\n", name: "hmac.key")
        let config = try Self.write("pq:\n  require_signature: true\n  hmac_key_file: \(keyFile)\n", name: "safemut.yaml")
        let text = manifestJSON([("Health", "query", "query Health { health }")])
        let manifest = try Self.write(text, name: "manifest.json")
        defer { for path in [keyFile, config, manifest] { try? FileManager.default.removeItem(atPath: path) } }

        let unsigned = try Self.sync([manifest], environment: env, config: config)
        #expect(unsigned.status == 1, "\(unsigned.output)")
        #expect(unsigned.output.lowercased().contains("signature"), "\(unsigned.output)")

        let mac = Hex.encode(HMACSHA256.authenticationCode(key: Array(secret.utf8), message: Array(text.utf8)))
        let signature = try Self.write(mac, name: "manifest.json.sig")
        defer { try? FileManager.default.removeItem(atPath: signature) }
        let signed = try Self.sync([manifest, "--signature", signature], environment: env, config: config)
        #expect(signed.status == 0, "\(signed.output)")
        #expect(signed.output.contains("signed"))

        let wrong = try Self.write(String(repeating: "00", count: 32), name: "wrong.sig")
        defer { try? FileManager.default.removeItem(atPath: wrong) }
        let refused = try Self.sync([manifest, "--signature", wrong], environment: env, config: config)
        #expect(refused.status == 1, "\(refused.output)")
    }

    @Test("without database.url the sync exits 2 and names the key")
    func missingDatabase() throws {
        let manifest = try Self.write(manifestJSON([("Health", "query", "query Health { health }")]), name: "manifest.json")
        defer { try? FileManager.default.removeItem(atPath: manifest) }
        let result = try Self.sync([manifest], environment: [:])
        #expect(result.status == 2, "\(result.output)")
        #expect(result.output.contains("database.url"))
    }
}
