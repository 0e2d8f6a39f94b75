@testable import Drill
import Kit
import Testing

@Suite("The safemut.drill/v1 report")
struct DrillReportTests {
    // 2026-11-01T00:00:00Z as the start: the test never reads the day's clock.
    static let start: Int64 = 1_793_491_200_000_000

    static func report() -> DrillReport {
        var report = DrillReport(
            environment: "staging", startedMicros: start, rpoTargetMilliseconds: 300_000, rtoTargetMilliseconds: 3_600_000, backupPath: "/b")
        report.backup = DrillReport.Backup(path: "/b", startWAL: "000000010000000000000003", label: "safemut drill staging")
        report.lossMicros = start + 30_000_000
        report.wal = WALCoverage.survey(
            start: WALSegment(fileName: "000000010000000000000003", segmentBytes: 1 << 20)!, end: nil,
            available: [("000000010000000000000003", 1 << 20), ("000000010000000000000004", 1 << 20)])
        report.rows = DrillReport.Rows(beforeLoss: 120, restored: 118, lost: 2, oldestLostMicros: start + 29_000_000)
        report.rpoMilliseconds = 1_000
        report.rpoMeasured = true
        report.rtoMilliseconds = 4_250
        report.probe = DrillReport.Probe(status: 200, atMicros: start + 34_250_000)
        report.audit = DrillReport.AuditResult(intact: true, length: 3, headHex: "ab12")
        report.finishedMicros = start + 40_000_000
        return report
    }

    @Test("every field, in order, integers only; G7's names (ok, rpo_ms, rto_ms, finished_at, errors) exact")
    func document() {
        let text = Self.report().json.serialized
        #expect(text == #"{"kind":"safemut.drill/v1","env":"staging","ok":true,"started_at":"2026-11-01T00:00:00.000000Z","finished_at":"2026-11-01T00:00:40.000000Z","loss_at":"2026-11-01T00:00:30.000000Z","rpo_ms":1000,"rto_ms":4250,"rpo_target_ms":300000,"rto_target_ms":3600000,"rpo_met":true,"rto_met":true,"backup":{"path":"/b","start_wal":"000000010000000000000003","label":"safemut drill staging"},"wal":{"first":"000000010000000000000003","last":"000000010000000000000004","segments":2,"missing":[]},"rows":{"before_loss":120,"restored":118,"lost":2,"oldest_lost_at":"2026-11-01T00:00:29.000000Z"},"audit":{"intact":true,"length":3,"head":"ab12"},"probe":{"status":200,"at":"2026-11-01T00:00:34.250000Z"},"errors":[]}"#)
        #expect(Self.report().exitCode == 0)
    }

    @Test("a missed RTO target: not ok, exit 1")
    func rtoMissed() {
        var report = Self.report()
        report.rtoMilliseconds = 3_600_001
        #expect(!report.rtoMet && report.rpoMet && !report.ok)
        #expect(report.exitCode == 1)
    }

    @Test("a missed RPO target: not ok, exit 1")
    func rpoMissed() {
        var report = Self.report()
        report.rpoMilliseconds = 300_001
        #expect(!report.rpoMet && !report.ok && report.exitCode == 1)
    }

    @Test("no admitted mutation: rto_ms null, RTO missed")
    func noRTO() {
        var report = Self.report()
        report.rtoMilliseconds = nil
        report.probe = DrillReport.Probe(status: 503, atMicros: nil)
        #expect(!report.rtoMet)
        #expect(report.json["rto_ms"] == .null)
        #expect(report.json["probe"]?["status"] == .number("503"))
    }

    @Test("a step error: exit 2, the error in the list; a broken audit chain alone: exit 1")
    func errors() {
        var report = Self.report()
        report.errors = [DrillError(step: "audit", code: .auditBroken, message: "seq 2")]
        #expect(report.exitCode == 1 && !report.ok)
        report.errors.append(DrillError(step: "wal", code: .walGap, message: "lacks 000000010000000000000004"))
        #expect(report.exitCode == 2)
        let listed = report.json["errors"]?.arrayValue ?? []
        #expect(listed.count == 2)
        #expect(listed.last?["code"]?.stringValue == "wal_gap")
        #expect(listed.last?["step"]?.stringValue == "wal")
    }

    @Test("an unmeasured RPO is not met, even at 0")
    func unmeasured() {
        var report = Self.report()
        report.rpoMeasured = false
        report.rpoMilliseconds = 0
        #expect(!report.rpoMet)
    }

    @Test("the scratch gateway's config: listen replaced, everything else kept")
    func relisten() {
        let yaml = "listen: 0.0.0.0:8080\nupstream:\n  url: http://127.0.0.1:9\n  listen: nested-is-kept\n"
        let rewritten = ScratchGateway.relisten(yaml: yaml, port: 4242)
        #expect(rewritten == "listen: 127.0.0.1:4242\nupstream:\n  url: http://127.0.0.1:9\n  listen: nested-is-kept\n")
        #expect(ScratchGateway.relisten(yaml: "log:\n  level: info\n", port: 1).hasPrefix("listen: 127.0.0.1:1\nlog:"))
    }
}
