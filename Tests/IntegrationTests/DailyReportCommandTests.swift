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
}
