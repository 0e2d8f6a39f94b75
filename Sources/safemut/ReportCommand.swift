import ArgumentParser
import BudgetAdmin
import Foundation
import Kit
import Reports
import SMTP
import Config

/// `safemut report daily [--date YYYY-MM-DD] [--format json|csv|html] [--output F] [--mail-to a@x,b@y]`
/// (SPEC §15): the FinOps report of one UTC day from the ledger (default: yesterday), to
/// standard output or a file (the CI artifact), and by mail through `report.smtp.*` (HTML with
/// a plain-text alternative). Exit codes: 0 written (and sent); 2 bad arguments or
/// configuration; 3 Postgres unreachable or not migrated; 4 written, but the mail failed.
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
    @Option(name: .customLong("mail-to"), help: "Also mail it (HTML) to these addresses, comma-separated, through report.smtp.*.")
    var mailTo: String?

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
        let mailer = mailTo.map { Self.mailer(command.config.report, to: $0) }
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
        guard let (client, from, recipients) = mailer else { return }
        let message = MailMessage(
            from: from, to: recipients,
            subject: "safemut FinOps report \(day): spent $\(MicroDollars.text(report.totalSpentMicros))",
            text: report.csv, html: report.html.rendered, date: Self.mailDate(Date()), messageID: UUID().uuidString.lowercased() + "@safemut")
        // A one-shot command: nothing else runs on this process's threads while it blocks.
        do {
            try client.send(message)
            FileHandle.standardError.write(Data("report daily: mailed to \(recipients.joined(separator: ", ")) via \(client.host):\(client.port)\n".utf8))
        } catch {
            FileHandle.standardError.write(Data("report daily: written, but the mail failed: \(error)\n".utf8))
            throw ExitCode(4)
        }
    }

    /// The client and addresses for `--mail-to`, or exit 2 naming the setting that is missing.
    static func mailer(_ settings: ReportConfig, to list: String) -> (SMTPClient, String, [String]) {
        let recipients = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !recipients.isEmpty else { DatabaseCommand.fail("report daily", "--mail-to needs at least one address", code: 2) }
        for address in recipients where !MailMessage.isAddress(address) {
            DatabaseCommand.fail("report daily", "--mail-to: \(address) is not an address (local@domain)", code: 2)
        }
        guard let host = settings.smtpHost else {
            DatabaseCommand.fail("report daily", "config error: report.smtp.host: not set (--mail-to needs an SMTP relay)", code: 2)
        }
        guard !settings.smtpStartTLS else {
            DatabaseCommand.fail("report daily", "config error: report.smtp.starttls: STARTTLS is not built yet (issue 23); use a relay on a trusted network", code: 2)
        }
        guard MailMessage.isAddress(settings.smtpFrom) else {
            DatabaseCommand.fail("report daily", "config error: report.smtp.from: \(settings.smtpFrom) is not an address", code: 2)
        }
        var password: String?
        if let file = settings.smtpPasswordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                DatabaseCommand.fail("report daily", "config error: report.smtp.password_file: \(file) cannot be read", code: 2)
            }
            password = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        }
        guard (settings.smtpUser == nil) == (password == nil) else {
            DatabaseCommand.fail("report daily", "config error: report.smtp.user and report.smtp.password_file go together", code: 2)
        }
        // Without STARTTLS, AUTH PLAIN would carry the password in the clear: only to a relay on this machine.
        if settings.smtpUser != nil, !(host == "localhost" || host.hasPrefix("127.") || host == "::1") {
            DatabaseCommand.fail(
                "report daily", "config error: report.smtp.user: AUTH over plain SMTP would send the password in the clear to \(host); "
                    + "STARTTLS is not built yet (issue 23): use a relay on loopback", code: 2)
        }
        return (SMTPClient(host: host, port: settings.smtpPort, user: settings.smtpUser, password: password), settings.smtpFrom, recipients)
    }

    /// RFC 5322: `Tue, 08 Dec 2026 06:00:00 +0000`.
    static func mailDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
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
