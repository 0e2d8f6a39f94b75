import ArgumentParser
import Config
import Foundation
import Gateway
import Logging
import PersistedQueries
import Postgres
import Redis

/// `safemut pq`: persisted-query allowlist maintenance.
struct PQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pq",
        abstract: "Manage the persisted-query allowlist.",
        subcommands: [PQSyncCommand.self, PQExportCommand.self])
}

/// `safemut pq sync MANIFEST [--signature F] [--dry-run]`: makes the live allowlist equal to
/// an Apollo persisted-query manifest, printing what changes (`+` added, `-` removed) and
/// where clients drifted (`~`: a new id for a live operation, reformatted or changed).
///
/// It reads the same configuration as `serve` (`--config`, else `./safemut.yaml`, with the
/// environment overrides of SPEC §7): `database.url` (`DATABASE_URL`, required), `redis.url`
/// (`REDIS_URL`, required unless `--dry-run`), `environment` (`ENVIRONMENT`: which
/// allowlist), and the signature rules `pq.require_signature`, `pq.hmac_key_file`,
/// `pq.ed25519_public_key_path`. The flags below add to them for one run.
///
/// The signature is checked over the manifest's exact bytes before anything is read. The
/// signature file holds hex (see `ManifestSignature`).
///
/// Exit codes: 0 applied, nothing to change, or dry run printed; 1 the manifest or its
/// signature was refused; 2 bad arguments or configuration; 3 Postgres unreachable, or the
/// change was saved in Postgres but not published to Redis (replicas reconcile within
/// 30 s of Redis answering; re-running the sync publishes it at once).
struct PQSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Make the live allowlist equal to a manifest (prints the add/remove/drift diff).")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "Apollo persisted-query manifest (JSON).")
    var manifest: String

    @Option(help: "Detached signature of the manifest file (hex HMAC-SHA256 or Ed25519).")
    var signature: String?

    @Flag(help: "Print the diff and change nothing.")
    var dryRun = false

    @Flag(help: "Refuse an unsigned manifest (as pq.require_signature does).")
    var requireSignature = false

    @Option(help: "File holding the HMAC-SHA256 secret (in addition to pq.hmac_key_file).")
    var hmacKeyFile: String?

    @Option(help: "Ed25519 public key PEM (in addition to pq.ed25519_public_key_path).")
    var publicKey: String?

    @Option(help: "Which environment's allowlist (default: the config's environment).")
    var environment: String?

    @Flag(help: "Allow a manifest with no operations (it empties the allowlist).")
    var allowEmpty = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let config = options.load("pq", cpuCount: 1)
        var pq = config.persistedQueries
        pq.requireSignature = pq.requireSignature || requireSignature
        var trust: ManifestTrust
        do {
            // The config's keys, then the flags' (both verify; any one that matches is enough).
            var configured = pq
            configured.requireSignature = false
            trust = try ManifestTrust(configured)
            for extra in try Self.extraKeys(hmacKeyFile: hmacKeyFile, publicKeyFile: publicKey) { trust.keys.append(extra) }
        } catch {
            Self.fail("\(error)", code: 2)
        }
        trust.requireSignature = pq.requireSignature
        if trust.requireSignature && trust.keys.isEmpty {
            Self.fail("config error: pq.require_signature: on, but no key: set pq.hmac_key_file or pq.ed25519_public_key_path, or pass --hmac-key-file/--public-key", code: 2)
        }
        let manifestBytes = Self.read(manifest, what: "manifest")
        let signatureBytes = signature.map { Self.read($0, what: "signature") }

        let opened: OpenedManifest
        do {
            opened = try trust.open(manifest: manifestBytes, signature: signatureBytes)
        } catch {
            Self.fail("\(manifest): \(error)", code: 1)
        }
        if opened.manifest.operations.isEmpty && !allowEmpty {
            Self.fail("\(manifest) has no operations; syncing it would empty the allowlist (pass --allow-empty)", code: 1)
        }

        let environmentName = environment ?? config.environment
        let logger = Logger(label: "safemut.pq")
        let pool = DatabaseCommand.openPool("pq", config, logger: logger)
        defer { pool.close() }

        let redisURL = config.redis.url
        if !dryRun && redisURL == nil {
            Self.fail("config error: redis.url: not set (needed to publish the allowlist; --dry-run needs only database.url)", code: 2)
        }
        let redis: RedisClient
        do {
            // A dry run never calls Redis; the client is built only to give the store one.
            redis = RedisClient(configuration: try RedisConfiguration(url: redisURL ?? "redis://127.0.0.1:6379", maxConnections: 2), logger: logger)
        } catch {
            Self.fail("config error: redis.url: \(error.message)", code: 2)
        }
        defer { redis.close() }
        let store = AllowlistStore(postgres: pool, redis: redis, environment: environmentName, logger: logger)

        let signedNote = opened.isSigned ? "signed" : "unsigned"
        print("manifest \(manifest): \(opened.manifest.operations.count) operations, \(signedNote); environment \(environmentName)")
        if dryRun {
            let diff: AllowlistDiff
            do {
                diff = try await store.diff(manifest: opened.manifest)
            } catch {
                Self.fail("\(error)", code: 3)
            }
            diff.renderedLines().forEach { print($0) }
            print("dry run: \(diff.summary); nothing changed")
            return
        }
        let result: AllowlistLoadResult
        do {
            result = try await store.load(manifest: opened.manifest, mode: .replace, source: "sync", addedBy: env["USER"])
        } catch {
            Self.fail("\(error)", code: 3)
        }
        result.diff.renderedLines().forEach { print($0) }
        print("applied: \(result.diff.summary)")
        if !result.published {
            Self.fail("saved in Postgres but not published to Redis; replicas pick it up within 30 s of Redis answering, or re-run this sync", code: 3)
        }
    }

    /// Keys named on the command line for this run.
    static func extraKeys(hmacKeyFile: String?, publicKeyFile: String?) throws -> [ManifestVerificationKey] {
        var keys: [ManifestVerificationKey] = []
        if let hmacKeyFile {
            // A trailing newline in a key file is an editor's, not the secret's.
            var secret = read(hmacKeyFile, what: "HMAC key")
            while let last = secret.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { secret.removeLast() }
            keys.append(try .hmac(secret: secret))
        }
        if let publicKeyFile {
            keys.append(try .ed25519(pem: read(publicKeyFile, what: "public key")))
        }
        return keys
    }

    static func read(_ path: String, what: String) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("cannot read \(what) \(path)", code: 2)
        }
        return [UInt8](data)
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut pq: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
