import ArgumentParser
import Audit
import Kit
import Ledger
import Workers

/// `safemut escalate [--dry-run]`: one canary escalation pass now (the rule is
/// `CanaryEscalationRule`: after `canary.clean_days` clean days, $25→$50 a day and
/// $750→$1,500 a month, from the seed limits only). Prints each canary tenant's decision.
/// `--dry-run`, or `canary.escalation_dry_run` / `CANARY_ESCALATION_DRY_RUN`, records the
/// decisions (`canary_escalations` with `applied = false`, and the audit log) and changes
/// no limit. Decisions are recorded as `cli:<OS user>`.
///
/// Exit codes: 0 done (whether or not anyone was escalated); 1 some tenants failed;
/// 2 configuration; 3 Postgres unreachable or not migrated.
struct EscalateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "escalate", abstract: "Run one canary escalation pass and print its decisions.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Record what would be escalated; change no limit.")
    var dryRun = false

    func run() async throws {
        let command = DatabaseCommand(name: "escalate", options: options)
        let worker = CanaryEscalationWorker(
            pool: command.pool, audit: AuditLog(pool: command.pool), cleanDaysRequired: command.config.canary.cleanDays,
            configDryRun: command.config.canary.escalationDryRun, logger: command.logger)
        let report = await command.withPool { _ in
            try await worker.runOnce(dryRun: dryRun, trigger: .manual(actor: DatabaseCommand.actor, correlationID: nil))
        }
        for line in Self.lines(report) { print(line) }
        if report.failed > 0 { throw ExitCode(1) }
    }

    static func lines(_ report: EscalationReport) -> [String] {
        var mode = report.dryRun ? "dry run" : "live"
        if report.dryRunForcedByConfig { mode += " (canary.escalation_dry_run)" }
        var lines = ["canary escalation on \(report.today), \(mode), canary.clean_days \(report.cleanDaysRequired):"]
        if report.decisions.isEmpty { lines.append("  no canary tenants") }
        for decision in report.decisions {
            let limits = Self.limits(decision.dailyLimitMicros, decision.monthlyLimitMicros)
            let to = Self.limits(CanaryEscalationRule.escalatedDailyMicros, CanaryEscalationRule.escalatedMonthlyMicros)
            let clean = decision.cleanDays.map { "\($0) clean day(s)" } ?? ""
            let recorded = decision.escalationID.map { " [recorded \($0)]" } ?? ""
            let detail: String
            switch decision.outcome {
            case .escalated: detail = "\(clean); raised to \(to)\(recorded)"
            case .wouldEscalate: detail = "\(clean); would raise \(limits) to \(to)\(recorded)"
            case .alreadyRecordedToday: detail = "\(clean); would raise \(limits) to \(to) (already recorded today)"
            case .notEligible(let reason): detail = reason
            case .notAtSeedLimits: detail = "limits \(limits) are not the seeds (escalated before or set by hand)"
            case .failed(let error): detail = "FAILED: \(error)"
            }
            lines.append("  \(decision.tenant): \(decision.outcome.name): \(detail)")
        }
        let would = report.decisions.filter { $0.outcome == .wouldEscalate }.count
        lines.append("\(report.escalated) escalated, \(would) would escalate (dry run), \(report.failed) failed")
        return lines
    }

    static func limits(_ daily: Int64?, _ monthly: Int64?) -> String {
        "$\(daily.map(MicroDollars.text) ?? "?")/day, $\(monthly.map(MicroDollars.text) ?? "?")/month"
    }
}
