import ArgumentParser
import Audit

/// `safemut audit`: the append-only, hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Inspect the audit log.", subcommands: [AuditVerifyCommand.self])
}

/// `safemut audit verify`: recomputes every row's hash (in Postgres, `audit_log_verify()`),
/// checks the chain's end against its head, and names the first bad row.
///
/// Reads `database.url` from the serve configuration (`--config`, `./safemut.yaml`,
/// `DATABASE_URL`). Exit codes: 0 intact (prints the length and the head hash, worth
/// recording elsewhere); 1 tampered (prints the first bad row's seq, action and
/// created_at, and what is wrong); 2 configuration; 3 Postgres unreachable or not migrated.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Verify the audit log's hash chain; name the first bad row.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let command = DatabaseCommand(name: "audit verify", options: options)
        let verification = await command.withPool { try await AuditLog(pool: $0).verify() }
        switch verification {
        case .intact(let length, let head):
            print("audit log intact: \(length) row(s), head seq \(length) hash \(AuditHex.encode(head))")
        case .broken(let fault):
            print("audit log TAMPERED: first bad row \(fault)")
            throw ExitCode(1)
        }
    }
}
