import ArgumentParser
import BudgetAdmin
import Foundation
import Kit
import Reports

/// `safemut report daily [--date YYYY-MM-DD] [--format json|csv|html] [--output F]` (SPEC §15):
/// the FinOps report of one UTC day from the ledger (default: yesterday), to standard output
/// or a file (the CI artifact). Exit codes: 0 written; 2 bad arguments or configuration;
/// 3 Postgres unreachable or not migrated.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "FinOps reports from the ledger.", subcommands: [ReportDaily.self])
}

struct ReportDaily: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily", abstract: "One UTC day: per tenant spend, limits, utilization, overrides, approvals, estimate accuracy.")

    @OptionGroup var options: ConfigOptions
    @Option(help: "The UTC day, YYYY-MM-DD (default: yesterday).") var date: String?
    @Option(help: "json, csv or html.") var format: String = "json"
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func run() async throws {
        guard let format = DailyReport.Format(rawValue: format) else {
            DatabaseCommand.fail("report daily", "--format must be json, csv or html, not \(self.format)", code: 2)
        }
        let day: String
        if let date {
            guard Self.isDay(date) else { DatabaseCommand.fail("report daily", "--date must be a day YYYY-MM-DD, not \(date)", code: 2) }
            day = date
        } else {
            day = String(RFC3339.format(epochMilliseconds: Int64(Date().timeIntervalSince1970 * 1_000) - 86_400_000).prefix(10))
        }
        let command = DatabaseCommand(name: "report daily", options: options)
        let budgets = command.config.finOps.budgets
        let report = await command.withPool { pool in
            try await DailyReportLoader.load(pool: pool, day: day, budgets: budgets, denials: nil)
        }
        let text = report.rendered(format)
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                DatabaseCommand.fail("report daily", "cannot write \(output): \(error.localizedDescription)", code: 2)
            }
            print("report daily: \(day), \(report.tenants.count) tenant(s), spent $\(MicroDollars.text(report.totalSpentMicros)) -> \(output)")
        } else {
            print(text, terminator: "")
        }
    }

    /// `YYYY-MM-DD` with a real month and day (the calendar check is Postgres's).
    static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}
