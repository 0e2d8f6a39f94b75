import ArgumentParser
import Kit
import Ledger
import Workers

/// `safemut reconcile`: one reconcile pass now (what the leader's worker does every
/// `workers.reconcile_interval_ms`): releases reservations past their TTL and rewrites
/// today's and yesterday's `budget_daily` rollups and the tenants' live counters from the
/// ledger. Safe beside running gateways. The seeds' `npm run worker:reconcile`.
///
/// Exit codes: 0 done; 1 some tenants failed (the others were reconciled; each failure is
/// printed); 2 configuration; 3 Postgres unreachable or not migrated.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Run one reconcile pass: release stale reservations, roll up the days.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let command = DatabaseCommand(name: "reconcile", options: options)
        let report = await command.withPool { try await ReconcileWorker(pool: $0, logger: command.logger).runOnce() }
        for line in Self.lines(report) { print(line) }
        if !report.succeeded { throw ExitCode(1) }
    }

    static func lines(_ report: ReconcileReport) -> [String] {
        var lines: [String] = []
        for tenant in report.tenants {
            var line = "\(tenant.tenant): settled \(tenant.expired) stale reservation(s) at their estimate"
            if tenant.expired > 0 { line += " ($\(MicroDollars.text(tenant.expiredMicros)))" }
            for day in tenant.days {
                line += "; \(day.day) spent $\(MicroDollars.text(day.spentMicros)) reserved $\(MicroDollars.text(day.reservedMicros))"
                    + " of $\(MicroDollars.text(day.dailyLimitMicros)) (\(day.requests) request(s))"
            }
            lines.append(line)
        }
        for failure in report.failures {
            lines.append("\(failure.tenant): FAILED: \(failure.error)")
        }
        lines.append(
            "reconciled \(report.tenants.count) tenant(s) on \(report.today): \(report.expired) stale reservation(s) settled at their estimate, "
                + "\(report.failures.count) failed")
        return lines
    }
}
