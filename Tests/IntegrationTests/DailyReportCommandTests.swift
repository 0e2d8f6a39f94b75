import Foundation
import Testing
import TestSupport

/// `safemut report daily` (issue 21 part 1) on a migrated Postgres: the report of a fixed past
/// day (no dependence on today's date) and its totals against the ledger.
@Suite("safemut report daily", .serialized)
struct DailyReportCommandTests {
    static let day = "2026-01-15"

    static func seeded() throws -> String {
        let url = try PQStack.migratedDatabase()
        _ = try DataCommand.check("/usr/bin/psql", [url, "-v", "ON_ERROR_STOP=1", "-qc", """
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, operation_name, budget_day, created_at, settled_at) VALUES
              ('demo', 'settled', 0.25, 0.31, 'r-1', 'SummarizeEntity', '\(day)', '\(day) 10:00Z', '\(day) 10:00Z'),
              ('demo', 'settled', 0.25, 0.29, 'r-2', 'SummarizeEntity', '\(day)', '\(day) 11:00Z', '\(day) 11:00Z'),
              ('demo', 'released', 0.02, NULL, 'r-3', 'CreateEntity', '\(day)', '\(day) 11:30Z', NULL),
              ('test', 'settled', 0.02, NULL, 'r-4', 'CreateEntity', '\(day)', '\(day) 12:00Z', '\(day) 12:00Z'),
              ('test', 'settled', 9.00, 9.00, 'other-day', 'CreateEntity', '2026-01-16', '2026-01-16 01:00Z', '2026-01-16 01:00Z');
            INSERT INTO budget_overrides (tenant_id, budget_multiplier, note, requested_by, status, created_at, expires_at)
              VALUES ('demo', 1.5, 'launch day', 'fiona', 'active', '\(day) 08:00Z', '\(day) 12:00Z');
            """], timeout: 30)
        return url
    }

    @Test("JSON: per tenant spend and counts, the day's override, estimate accuracy; totals equal the ledger's sums")
    func json() async throws {
        let url = try await offPool { try Self.seeded() }
        let run = try await offPool { try GateEndToEndTests.safemut(["report", "daily", "--date", Self.day], environment: ["DATABASE_URL": url]) }
        #expect(run.status == 0, "\(run.output)")
        let start = try #require(run.output.firstIndex(of: "{"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(run.output[start...].utf8)) as? [String: Any])
        let ledger = try DataCommand.check("/usr/bin/psql", [url, "-tA", "-c",
            "SELECT sum(coalesce(actual_usd, estimated_usd)) FROM budget_ledger WHERE budget_day = '\(Self.day)' AND status = 'settled'"], timeout: 30)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let totals = try #require(report["totals"] as? [String: Any])
        #expect((totals["spent_usd"] as? NSNumber)?.stringValue == "0.62" || "\(totals["spent_usd"] ?? "")" == "0.62", "\(totals)")
        #expect(ledger == "0.620000")
        #expect(run.output.contains(#""spent_usd":0.620000"#), "exact decimals in the JSON text")
        let tenants = try #require(report["tenants"] as? [[String: Any]])
        let demo = try #require(tenants.first { $0["tenant_id"] as? String == "demo" })
        #expect(demo["settled"] as? Int == 2 && demo["released"] as? Int == 1)
        #expect((demo["overrides"] as? [[String: Any]])?.first?["requested_by"] as? String == "fiona")
        let accuracy = try #require(report["estimate_accuracy"] as? [[String: Any]])
        #expect(accuracy.first?["operation"] as? String == "SummarizeEntity" && accuracy.first?["count"] as? Int == 2)
        #expect(run.output.contains(#""actual_over_estimate":1.2000"#), "0.60 ÷ 0.50")
    }

    @Test("CSV and HTML to a file; bad arguments exit 2 naming the flag; no database.url exits 2")
    func formatsAndBadInput() async throws {
        let url = try await offPool { try Self.seeded() }
        let directory = NSTemporaryDirectory() + "report-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for format in ["csv", "html"] {
            let run = try await offPool {
                try GateEndToEndTests.safemut(["report", "daily", "--date", Self.day, "--format", format, "--output", "\(directory)/r.\(format)"],
                                              environment: ["DATABASE_URL": url])
            }
            #expect(run.status == 0 && run.output.contains("spent $0.620000"), "\(run.output)")
        }
        let csv = try String(contentsOfFile: directory + "/r.csv", encoding: .utf8)
        #expect(csv.contains("\(Self.day),demo,true,"), "\(csv)")
        let html = try String(contentsOfFile: directory + "/r.html", encoding: .utf8)
        #expect(html.contains("FinOps daily report, \(Self.day)") && html.contains("1.500× active by fiona"))
        for (arguments, expected) in [
            (["--format", "xml"], "--format"), (["--date", "2026-13-01"], "--date"), (["--date", "yesterday"], "--date"),
        ] {
            let run = try await offPool { try GateEndToEndTests.safemut(["report", "daily"] + arguments, environment: ["DATABASE_URL": url]) }
            #expect(run.status == 2 && run.output.contains(expected), "\(arguments): \(run.output)")
        }
        let unset = try await offPool { try GateEndToEndTests.safemut(["report", "daily", "--date", Self.day], environment: ["DATABASE_URL": ""]) }
        #expect(unset.status == 2 && unset.output.contains("database.url"), "\(unset.output)")
    }

    /// scripts/smtp-sink.py (aiosmtpd) on a free loopback port; what it received lands in `directory`.
    static func sink(directory: String, refuse: Bool = false) throws -> (ManagedProcess, Int) {
        let port = Ports.free()
        let process = try ManagedProcess(
            name: "smtp-sink", executable: "/usr/bin/python3",
            arguments: [Binaries.repositoryRoot + "/scripts/smtp-sink.py", "--port", String(port), "--dir", directory] + (refuse ? ["--refuse-rcpt"] : []),
            currentDirectory: directory)
        try Ports.waitUntilListening(port, timeout: 30, process: process)
        return (process, port)
    }

    static func config(_ directory: String, smtpPort: Int) throws -> String {
        let path = directory + "/safemut.yaml"
        try "report:\n  smtp:\n    host: 127.0.0.1\n    port: \(smtpPort)\n    from: finops-bot@example.com\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("--mail-to: the report arrives in a real SMTP server, HTML and text, and its totals equal the ledger's")
    func mailed() async throws {
        let url = try await offPool { try Self.seeded() }
        let directory = NSTemporaryDirectory() + "report-mail-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/inbox", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (sink, port) = try await offPool { try Self.sink(directory: directory + "/inbox") }
        defer { sink.stop() }
        let config = try Self.config(directory, smtpPort: port)
        let run = try await offPool {
            try GateEndToEndTests.safemut(
                ["report", "daily", "--config", config, "--date", Self.day, "--output", directory + "/r.json", "--mail-to", "finops@example.com, cfo@example.com"],
                environment: ["DATABASE_URL": url])
        }
        #expect(run.status == 0 && run.output.contains("mailed to finops@example.com, cfo@example.com"), "\(run.output)")
        let received = try #require(try? Data(contentsOf: URL(fileURLWithPath: directory + "/inbox/1.json")), "nothing arrived")
        let mail = try #require(try JSONSerialization.jsonObject(with: received) as? [String: Any])
        #expect(mail["mail_from"] as? String == "finops-bot@example.com")
        #expect(mail["rcpt_tos"] as? [String] == ["finops@example.com", "cfo@example.com"])
        #expect((mail["subject"] as? String)?.contains("\(Self.day): spent $0.620000") == true, "\(mail)")
        let parts = try #require(mail["parts"] as? [String: String])
        #expect(parts["text/html"]?.contains("FinOps daily report, \(Self.day)") == true && parts["text/html"]?.contains("$0.620000") == true)
        #expect(parts["text/plain"]?.contains("\(Self.day),demo,true,") == true, "\(parts.keys)")
        let ledger = try DataCommand.check("/usr/bin/psql", [url, "-tA", "-c",
            "SELECT sum(coalesce(actual_usd, estimated_usd)) FROM budget_ledger WHERE budget_day = '\(Self.day)' AND status = 'settled'"], timeout: 30)
        #expect(parts["text/html"]?.contains("Spent $" + ledger.trimmingCharacters(in: .whitespacesAndNewlines)) == true, "the mailed total is the ledger's")
    }

    @Test("SMTP refusing or unreachable: the report is still written and the exit code (4) says the mail failed; no relay configured is 2")
    func mailFailures() async throws {
        let url = try await offPool { try Self.seeded() }
        let directory = NSTemporaryDirectory() + "report-mailfail-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/inbox", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (sink, port) = try await offPool { try Self.sink(directory: directory + "/inbox", refuse: true) }
        defer { sink.stop() }
        for (smtpPort, expected) in [(port, "refused 550"), (Ports.free(), "connectFailed")] {
            let config = try Self.config(directory, smtpPort: smtpPort)
            try? FileManager.default.removeItem(atPath: directory + "/r.json")
            let run = try await offPool {
                try GateEndToEndTests.safemut(
                    ["report", "daily", "--config", config, "--date", Self.day, "--output", directory + "/r.json", "--mail-to", "finops@example.com"],
                    environment: ["DATABASE_URL": url])
            }
            #expect(run.status == 4 && run.output.contains(expected), "\(run.output)")
            #expect(FileManager.default.fileExists(atPath: directory + "/r.json"), "the report was not written")
        }
        let bare = try await offPool {
            try GateEndToEndTests.safemut(["report", "daily", "--date", Self.day, "--mail-to", "finops@example.com"], environment: ["DATABASE_URL": url])
        }
        #expect(bare.status == 2 && bare.output.contains("report.smtp.host"), "\(bare.output)")
        // AUTH over plain SMTP to another machine would send the password in the clear.
        try "secret\n".write(toFile: directory + "/password", atomically: true, encoding: .utf8)
        let remote = directory + "/remote.yaml"
        try "report:\n  smtp:\n    host: smtp.example.com\n    user: safemut\n    password_file: \(directory)/password\n".write(toFile: remote, atomically: true, encoding: .utf8)
        let clear = try await offPool {
            try GateEndToEndTests.safemut(["report", "daily", "--config", remote, "--date", Self.day, "--mail-to", "finops@example.com"], environment: ["DATABASE_URL": url])
        }
        #expect(clear.status == 2 && clear.output.contains("in the clear"), "\(clear.output)")
        let badAddress = try await offPool {
            try GateEndToEndTests.safemut(["report", "daily", "--date", Self.day, "--mail-to", "finops@example.com>\r\nRCPT TO:<x@y"], environment: ["DATABASE_URL": url])
        }
        #expect(badAddress.status == 2 && badAddress.output.contains("not an address"), "\(badAddress.output)")
    }
}
