import Kit
import Testing
@testable import Reports

@Suite("the daily FinOps report's figures and renderings")
struct DailyReportTests {
    static let report = DailyReport(
        day: "2026-12-07", generatedAt: "2026-12-08T06:00:00.000000Z",
        tenants: [
            DailyReport.Tenant(
                tenant: "demo", canary: true, dailyLimitMicros: 50_000_000, spentMicros: 21_000_000, reservedMicros: 0, settled: 3,
                released: 1, reconciled: 0,
                overrides: [DailyReport.Override(multiplier: "1.500", status: "active", requestedBy: #"<b>fiona</b>"#, approvedBy: nil,
                                                 from: "2026-12-07T08:00:00.000000Z", until: "2026-12-07T12:00:00.000000Z")],
                approvals: ["approved": 2, "rejected": 1]),
            DailyReport.Tenant(tenant: "acme, inc", canary: false, dailyLimitMicros: 0, spentMicros: 0, reservedMicros: 0, settled: 0,
                               released: 0, reconciled: 0),
        ],
        accuracy: [DailyReport.Accuracy(operation: "SummarizeEntity", count: 2, estimatedMicros: 500_000, actualMicros: 610_000)],
        budgets: [DailyReport.Budget(name: "llm", monthlyLimitMicros: 5_000_000_000, monthToDateMicros: 21_000_000)],
        denials: nil)

    @Test("ratios are exact decimals in integers: utilization and actual ÷ estimate; none without a denominator")
    func ratios() {
        #expect(Self.report.tenants[0].utilization == "0.4200")
        #expect(Self.report.tenants[1].utilization == nil)
        #expect(Self.report.accuracy[0].ratio == "1.2200")
        #expect(DailyReport.ratio(1, 3) == "0.3333")
        #expect(Self.report.totalSpentMicros == 21_000_000 && Self.report.totalSettled == 3)
    }

    @Test("JSON: money as exact decimals, denials null when Prometheus did not count them")
    func json() throws {
        let json = try JSONValue.parse(Array(Self.report.rendered(.json).utf8))
        #expect(json["totals"]?["spent_usd"]?.numberText == "21.000000")
        let demo = try #require(json["tenants"]?.arrayValue?.first)
        #expect(demo["utilization"]?.numberText == "0.4200" && demo["denials"]?.isNull == true)
        #expect(demo["approvals"]?["approved"]?.int64Value == 2)
        #expect(json["estimate_accuracy"]?.arrayValue?.first?["actual_over_estimate"]?.numberText == "1.2200")
        #expect(json["budgets"]?.arrayValue?.first?["utilization"]?.numberText == "0.0042")
    }

    @Test("CSV: a header and a row per tenant, CRLF, a comma in a value quoted")
    func csv() {
        let lines = Self.report.csv.components(separatedBy: "\r\n")
        #expect(lines[0].hasPrefix("day,tenant_id,canary,daily_limit_usd,spent_usd"))
        #expect(lines[1] == "2026-12-07,demo,true,50.000000,21.000000,0.000000,0.4200,3,1,0,,1,approved=2 rejected=1")
        #expect(lines[2].hasPrefix(#"2026-12-07,"acme, inc",false"#))
        #expect(lines.count == 4 && lines[3].isEmpty)
    }

    @Test("HTML for a mail client: no script, inline styles, every value escaped")
    func html() {
        let html = Self.report.rendered(.html)
        #expect(html.contains("FinOps daily report, 2026-12-07 (UTC)") && html.contains("$21.000000"))
        #expect(!html.contains("<script") && !html.contains("<b>fiona</b>") && html.contains("1.500× active by &lt;b&gt;fiona&lt;/b&gt;"))
        #expect(html.contains("acme, inc") && html.contains("1.2200"))
        #expect(html.contains("set promql.url"))
    }
}
