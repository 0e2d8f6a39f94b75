import ArgumentParser

/// `safemut`: the Safe Mutations gateway.
///
/// Exit codes: 0 success; 1 a command's check found problems; 2 bad
/// arguments or configuration (the message names the key); 3 start-up
/// failed (address in use, dependency unreachable).
@main
struct SafemutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "safemut",
        abstract: "Admission control for GraphQL mutations: budgets, allowlists, four-eyes, rate limits.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, CheckBudgetCommand.self, PQCommand.self, AuditCommand.self,
            ReconcileCommand.self, EscalateCommand.self, CompensateCommand.self, CutoverCommand.self, GateCommand.self, EvidenceCommand.self,
            PolicyCommand.self, DrillCommand.self, DownshiftCommand.self, ChaosCommand.self, ReportCommand.self, VersionCommand.self,
        ],
        defaultSubcommand: nil
    )
}

/// Options every command that reads configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Path to safemut.yaml (default: ./safemut.yaml when it exists, else built-in defaults plus the environment).")
    var config: String?

    /// The file to read: the flag, or ./safemut.yaml when present.
    var resolvedPath: String? {
        if let config { return config }
        return FileSystem.exists("safemut.yaml") ? "safemut.yaml" : nil
    }
}
