import ArgumentParser
import BudgetAdmin
import Config
import Foundation
import GraphQLAnalysis
import Logging
import Postgres

/// `safemut compensate --last N [--dry-run] [--approve-destructive] [--tenant T]`: replays
/// the inverse mutations in `compensation_log` (the upstream's `extensions.compensation`),
/// newest first, to `upstream.url` + `/graphql` with `X-Tenant`, a new `X-Request-Id` and
/// `Idempotency-Key: <row id>`. Each replay marks its row `replayed` or `failed` and is
/// audited; destructive inverses (deleting or moving data, see `DestructiveRule`) need
/// `--approve-destructive`. Re-running is safe: replayed rows are no longer pending, and a
/// row whose outcome was unconfirmed is sent again under the same idempotency key.
///
/// Reads the `serve` configuration (`--config`, else `./safemut.yaml`, plus the environment):
/// `database.url` (`DATABASE_URL`, required), `upstream.url` (`UPSTREAM_URL`) with
/// `upstream.connect_timeout_ms`/`read_timeout_ms`, and `schema.path` for the risk tags.
///
/// Maps the rollback plan's `node scripts/comp-log-replayer.js --operations=50
/// --dry-run=false --reason="rollback-compensation" --approve-destructive` to
/// `safemut compensate --last 50 --reason rollback-compensation --approve-destructive`.
///
/// Exit codes: 0 every compensation read was replayed (or, with `--dry-run`, could be);
/// 1 some were refused, failed or unconfirmed; 2 bad configuration; 3 Postgres or the
/// upstream unreachable; 64 bad flags (argument-parser's usage error).
struct CompensateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compensate",
        abstract: "Replay the last N pending compensations (inverse mutations) to the upstream.")

    @OptionGroup var options: ConfigOptions

    @Option(help: "How many pending compensations to read, newest first.")
    var last: Int

    @Flag(help: "Print what would be replayed and change nothing.")
    var dryRun = false

    @Flag(help: "Also replay inverses that delete or move data.")
    var approveDestructive = false

    @Option(help: "Only this tenant's compensations.")
    var tenant: String?

    @Option(help: "Why, recorded in each replay's audit row (e.g. rollback-compensation).")
    var reason: String?

    func validate() throws {
        guard (1...10_000).contains(last) else { throw ValidationError("--last must be between 1 and 10000, got \(last).") }
        if let tenant, tenant.isEmpty || tenant.utf8.count > 128 {
            throw ValidationError("--tenant must be a tenant id (1 to 128 bytes).")
        }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let config = options.load("compensate", cpuCount: 1)
        let logger = Logger(label: "safemut.compensate")
        let pool = DatabaseCommand.openPool("compensate", config, logger: logger)
        defer { pool.close() }
        var catalog: BudgetCatalog?
        if let path = config.schema.path {
            do {
                catalog = try BudgetCatalog(sdl: String(contentsOfFile: path, encoding: .utf8), fileName: path)
            } catch {
                Self.fail("config error: schema.path: \(path): \(error)", code: 2)
            }
        }
        let replayer: CompensationReplayer
        do {
            replayer = try CompensationReplayer(
                pool: pool, upstream: config.upstream.url, rule: DestructiveRule(catalog: catalog),
                actor: env["USER"].map { "cli:\($0)" } ?? "cli", reason: reason,
                connectTimeout: config.upstream.connectTimeout, readTimeout: config.upstream.readTimeout, logger: logger)
        } catch {
            // Nothing was sent: the same exit as an upstream that refuses the first replay.
            Self.fail("upstream \(config.upstream.url): \(error)", code: 3)
        }
        defer { replayer.shutdown() }

        let mode = dryRun ? "dry run" : (approveDestructive ? "replaying, destructive approved" : "replaying")
        print("compensate: last \(last) pending\(tenant.map { " of tenant \($0)" } ?? ""), upstream \(config.upstream.url) (\(mode))")
        let summary: ReplaySummary
        do {
            summary = try await replayer.run(last: last, tenant: tenant, dryRun: dryRun, approveDestructive: approveDestructive) { entry, outcome in
                print(Self.line(entry, outcome))
            }
        } catch {
            Self.fail("\(error)", code: 3)
        }
        print((dryRun ? "dry run: " : "") + summary.line)
        if summary.stoppedEarly { throw ExitCode(3) }
        if summary.hasProblems { throw ExitCode(1) }
    }

    /// `<id> <tenant> <created> undoes <op> (<correlation>): <fields> [destructive: …] → outcome`.
    static func line(_ entry: CompensationEntry, _ outcome: ReplayOutcome) -> String {
        var text = "\(entry.id) \(entry.tenantID) \(entry.createdAt) undoes \(entry.operationName ?? "-") (\(entry.correlationID)): "
        switch entry.inverse {
        case .success(let inverse):
            text += inverse.rootFields.joined(separator: ", ")
            if !inverse.destructiveReasons.isEmpty { text += " [destructive: \(inverse.destructiveReasons.joined(separator: "; "))]" }
        case .failure:
            text += "(unreadable)"
        }
        text += " → \(outcome.label)"
        switch outcome {
        case .replayed(let status): text += " (\(status))"
        case .failed(let why), .unconfirmed(let why), .skipped(let why), .upstreamUnreachable(let why): text += ": \(why)"
        case .refusedDestructive: text += ": pass --approve-destructive to replay it"
        case .wouldReplay: break
        }
        return text
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut compensate: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
