import Audit
import ArgumentParser
import Crypto
import Evidence
import Foundation
import GateChecks
import Kit
import Postgres

/// `safemut evidence bundle|verify` (SPEC §11): the signed evidence of a release's gate
/// run. Exit codes: 0 written / verified; 1 verification found problems (each printed);
/// 2 bad arguments, inputs or key; 3 Postgres (the audit anchor) unreachable.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "The signed evidence bundle of a release.",
        subcommands: [EvidenceBundleCommand.self, EvidenceVerifyCommand.self])
}

struct EvidenceBundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle", abstract: "Write DSSE-signed in-toto statements of a gate run, a summary and manifest.json.")

    @OptionGroup var options: ConfigOptions
    @Option(name: .long, help: "The release tag (vX.Y.Z).") var release: String
    @Option(name: .long, help: "An empty or new directory to write.") var out: String
    @Option(name: .long, help: "The P-256 private key (PEM) that signs.") var key: String
    @Option(name: .long, help: "A release artifact, NAME=PATH (repeatable; at least one): the statements' subjects.") var artifact: [String] = []
    @Option(name: .long, help: "The run (gate validate --output F); default the newest recorded run.") var results: String?
    @Option(name: .long, help: "The matrix the run evaluated.") var matrix = "ops/go-no-go-matrix.yaml"

    func run() async throws {
        let command = DatabaseCommand(name: "evidence bundle", options: options)
        defer { command.pool.close() }
        let signingKey: SigningKey
        switch SigningKey.p256(pem: Array(FileManager.default.contents(atPath: key) ?? Data())) {
        case .failure(let error): DatabaseCommand.fail("evidence bundle", "\(key): \(error)", code: 2)
        case .success(let value): signingKey = value
        }
        var artifacts: [EvidenceBundle.Artifact] = []
        for spec in artifact {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let bytes = FileManager.default.contents(atPath: parts[1]) else {
                DatabaseCommand.fail("evidence bundle", "--artifact \(spec): expected NAME=PATH of a readable file", code: 2)
            }
            artifacts.append(EvidenceBundle.Artifact(name: parts[0], sha256: SHA256Digest.hex(Array(bytes))))
        }
        guard let matrixBytes = FileManager.default.contents(atPath: matrix) else {
            DatabaseCommand.fail("evidence bundle", "\(matrix): cannot read", code: 2)
        }
        var runBytes: [UInt8]
        var contents: [String: [UInt8]] = [:]
        if let results {
            guard let data = FileManager.default.contents(atPath: results) else { DatabaseCommand.fail("evidence bundle", "\(results): cannot read", code: 2) }
            runBytes = Array(data)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: results + ".inputs")) ?? [] {
                if let bytes = FileManager.default.contents(atPath: results + ".inputs/" + name), SHA256Digest.hex(Array(bytes)) == name {
                    contents[name] = Array(bytes)
                }
            }
        } else {
            do {
                guard let stored = try await GateRunStore(pool: command.pool).latest() else {
                    DatabaseCommand.fail("evidence bundle", "no gate run recorded: safemut gate validate --all first", code: 2)
                }
                runBytes = stored.results
            } catch {
                command.failDatabase(error)
            }
        }
        let anchor: AuditAnchor
        do {
            anchor = try await AuditAnchor.head(pool: command.pool)
        } catch {
            command.failDatabase(error)
        }
        let bundle = EvidenceBundle(
            release: release, results: runBytes, matrix: Array(matrixBytes), inputContents: contents, artifacts: artifacts, anchor: anchor,
            createdAtMicros: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let written: EvidenceBundle.Written
        do {
            written = try bundle.write(to: out, key: signingKey)
        } catch {
            DatabaseCommand.fail("evidence bundle", "\(error)", code: 2)
        }
        do {
            _ = try await AuditLog(pool: command.pool).append(AuditEntry(
                action: "evidence.bundle", actor: DatabaseCommand.actor, reason: "release \(release)",
                details: .object([
                    JSONMember("release", .string(release)), JSONMember("summary_sha256", .string(written.summarySHA256)),
                    JSONMember("audit_head_seq", .number(String(anchor.seq))), JSONMember("overall", .string(written.overall)),
                ])))
        } catch {
            command.failDatabase(error)
        }
        print("evidence bundle for \(release) in \(out): \(written.files) file(s), overall \(written.overall), audit head \(anchor.seq), summary sha256 \(written.summarySHA256)")
    }
}

struct EvidenceVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check a bundle's signatures, digests and its audit anchor.")

    @OptionGroup var options: ConfigOptions
    @Argument(help: "The bundle directory.") var directory: String
    @Option(name: .long, help: "The P-256 public key (PEM).") var key: String
    @Flag(name: .long, help: "Skip the audit-log check (no database reachable); says so.") var offline = false

    func run() async throws {
        let publicKey: PublicKey
        switch PublicKey.p256(pem: Array(FileManager.default.contents(atPath: key) ?? Data())) {
        case .failure(let error): DatabaseCommand.fail("evidence verify", "\(key): \(error)", code: 2)
        case .success(let value): publicKey = value
        }
        let report = EvidenceVerifier.verify(directory: directory, key: publicKey)
        var problems = report.problems
        if offline {
            FileHandle.standardError.write(Data("safemut evidence verify: --offline: the audit anchor was NOT checked\n".utf8))
        } else if let anchor = report.anchor {
            let command = DatabaseCommand(name: "evidence verify", options: options)
            defer { command.pool.close() }
            do {
                if let problem = try await anchor.problem(pool: command.pool) { problems.append(problem) }
            } catch {
                command.failDatabase(error)
            }
        }
        if problems.isEmpty {
            print("evidence bundle valid: release \(report.release ?? "?"), \(report.gates) gate statement(s), audit head \(report.anchor.map { String($0.seq) } ?? "-")\(offline ? " (audit not checked)" : " present in the audit log")")
        } else {
            for problem in problems { print("TAMPERED: \(problem)") }
            throw ExitCode(1)
        }
    }
}
