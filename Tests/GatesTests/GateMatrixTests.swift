import Foundation
import Testing
@testable import Gates

@Suite("go/no-go matrix")
struct GateMatrixTests {
    static func parse(_ yaml: String) throws(MatrixError) -> GateMatrix {
        try GateMatrix.parse(Array(yaml.utf8), file: "m.yaml")
    }

    static func problem(_ yaml: String) -> MatrixError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    static let prometheusGate = """
        version: 1
        gates:
          - id: G1
            source: prometheus
            checks:
              - name: p95
                query: histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))
                threshold: "<= 0.35"
        """

    @Test("the shipped ops/go-no-go-matrix.yaml has G1–G8 with their sources")
    func shippedMatrix() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let bytes = try Data(contentsOf: root.appendingPathComponent("ops/go-no-go-matrix.yaml"))
        let matrix = try GateMatrix.parse(Array(bytes), file: "ops/go-no-go-matrix.yaml")
        #expect(matrix.gates.map(\.id) == ["G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8"])
        #expect(matrix.gates.map(\.source) == [.prometheus, .command, .command, .policy, .loadtest, .ledger, .drill, .approvals])
        #expect(matrix.gate("G5")?.failAfter == 2)
        #expect(matrix.gate("G5")?.signOffRoles == ["qe"])
        #expect(matrix.gate("G1")?.windowSeconds == 3_600)
        #expect(matrix.sha256.count == 64)
    }

    @Test("a matrix with an unknown source names file:line")
    func unknownSource() {
        let error = Self.problem(Self.prometheusGate.replacingOccurrences(of: "source: prometheus", with: "source: grafana"))
        #expect(error?.line == 4)
        #expect(error?.description.hasPrefix("m.yaml:4:") == true)
        #expect(error?.message.contains("unknown source 'grafana'") == true)
    }

    @Test("a duplicate gate id is refused at its second occurrence")
    func duplicateID() {
        let yaml = Self.prometheusGate + "\n" + """
              - id: G1
                source: approvals
                sign_off_roles: [sre]
            """
        let error = Self.problem(yaml)
        #expect(error?.message.contains("duplicate gate id G1 (first at line 3)") == true, "\(String(describing: error))")
        #expect(error?.line == 9)
    }

    @Test("a bad threshold is refused with its line", arguments: ["0.35", "<= fast", "=< 0.3", "<= +Inf", "<="])
    func badThreshold(text: String) {
        let error = Self.problem(Self.prometheusGate.replacingOccurrences(of: "\"<= 0.35\"", with: "\"\(text)\""))
        #expect(error?.line == 8, "\(String(describing: error))")
        #expect(error?.message.contains("bad threshold") == true)
    }

    @Test("an unparsable query is refused with what is wrong", arguments: [
        ("rate(x[5m]", "unclosed '('"), ("sum(x))", "unmatched ')'"), ("rate(x[5q])", "malformed duration"),
        ("x{job=\"a}", "unterminated string"), ("x{job=\"a\"]", "closed by ']'"), ("x ; y", "unexpected character ';'"),
    ])
    func unparsableQuery(query: String, expected: String) {
        let yaml = Self.prometheusGate.replacingOccurrences(
            of: "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))", with: "'\(query.replacingOccurrences(of: "'", with: "''"))'")
        let error = Self.problem(yaml)
        #expect(error?.line == 7, "\(String(describing: error))")
        #expect(error?.message.contains("unparsable query") == true && error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("unknown keys, missing source settings and a metric of another source are refused")
    func otherProblems() {
        #expect(Self.problem(Self.prometheusGate.replacingOccurrences(of: "source: prometheus", with: "source: prometheus\n    windw: 5m"))?
            .message.contains("unknown key `windw`") == true)
        #expect(Self.problem("version: 1\ngates:\n  - id: G7\n    source: drill\n    checks:\n      - {name: r, metric: rpo_ms, threshold: '<= 1'}\n")?
            .message.contains("needs `file`") == true)
        #expect(Self.problem("version: 1\ngates:\n  - id: G7\n    source: drill\n    file: r.json\n    checks:\n      - {name: r, metric: p95_ms, threshold: '<= 1'}\n")?
            .message.contains("not one of source drill's") == true)
        #expect(Self.problem("version: 1\ngates:\n  - id: G8\n    source: approvals\n")?.message.contains("needs `sign_off_roles`") == true)
        #expect(Self.problem("version: 2\ngates: []\n")?.message.contains("version") == true)
        #expect(Self.problem("gates: [oops")?.message.contains("not valid YAML") == true)
        #expect(Self.problem(Self.prometheusGate.replacingOccurrences(of: "source: prometheus", with: "source: prometheus\n    on_no_data: pass"))?
            .message.contains("no data never passes") == true)
    }
}

@Suite("gate verdicts")
struct GateVerdictTests {
    static let atMost = Threshold(text: "<= 0.35")!

    static func samples(_ values: [String?]) -> [[GateSample]] {
        [values.enumerated().map { GateSample(atMillis: Int64($0.offset) * 1_000, value: $0.element.flatMap(GateNumber.init(text:))) }]
    }

    @Test("exact numbers: Prometheus text, exponents, infinities; NaN is no data")
    func numbers() {
        #expect(GateNumber(text: "0.35")?.description == "0.35")
        #expect(GateNumber(text: "1.5e-05")?.description == "0.000015")
        #expect(GateNumber(text: "3e5")?.description == "300000")
        #expect(GateNumber(text: "+Inf") == .positiveInfinity)
        #expect(GateNumber(text: "NaN") == nil)
        #expect(GateNumber(text: "0.1")! + 0 == GateNumber(text: "0.10")!)
        #expect(GateNumber.ratio(1, 3)?.description == "0.333333333333")
        #expect(Threshold(text: ">= 0.999")!.isMet(by: GateNumber(text: "0.999")!))
        #expect(!Threshold(text: "< 0.8")!.isMet(by: GateNumber(text: "0.8")!))
    }

    @Test("no data is never PASS: INCONCLUSIVE, or FAIL when on_no_data says so")
    func noData() {
        let none = WindowJudgement.judge(Self.samples([nil, nil]), threshold: Self.atMost, failAfter: 1, minSamples: 1, onNoData: .inconclusive)
        #expect(none.verdict == .inconclusive)
        #expect(none.reason.contains("no data"))
        let empty = WindowJudgement.judge([], threshold: Self.atMost, failAfter: 1, minSamples: 1, onNoData: .fail)
        #expect(empty.verdict == .fail)
        let few = WindowJudgement.judge(Self.samples(["0.1", "0.1"]), threshold: Self.atMost, failAfter: 1, minSamples: 3, onNoData: .inconclusive)
        #expect(few.verdict == .inconclusive && few.samples == 2)
        // Too few samples stop a PASS, not a FAIL: two failing windows in a row are evidence.
        let tripped = WindowJudgement.judge(Self.samples(["0.9", "0.9"]), threshold: Self.atMost, failAfter: 2, minSamples: 10, onNoData: .inconclusive)
        #expect(tripped.verdict == .fail)
        #expect(GateVerdict.worst([]) == .inconclusive)
    }

    @Test("fail_after 2: one bad window is noted, two in a row fail; a gap does not reset the run")
    func consecutiveWindows() {
        let isolated = WindowJudgement.judge(Self.samples(["0.1", "0.9", "0.1", "0.9", "0.1"]), threshold: Self.atMost, failAfter: 2, minSamples: 1, onNoData: .inconclusive)
        #expect(isolated.verdict == .pass)
        #expect(isolated.failing == 2 && isolated.longestFailingRun == 1)
        #expect(isolated.value?.description == "0.9")
        let tripped = WindowJudgement.judge(Self.samples(["0.1", "0.9", nil, "0.9", "0.1"]), threshold: Self.atMost, failAfter: 2, minSamples: 1, onNoData: .inconclusive)
        #expect(tripped.verdict == .fail)
        #expect(tripped.longestFailingRun == 2)
        let strict = WindowJudgement.judge(Self.samples(["0.1", "0.36"]), threshold: Self.atMost, failAfter: 1, minSamples: 1, onNoData: .inconclusive)
        #expect(strict.verdict == .fail)
    }

    @Test("exit codes: 0 pass, 1 fail, 3 inconclusive; a run is its worst gate")
    func exitCodes() {
        #expect(GateVerdict.pass.exitCode == 0 && GateVerdict.fail.exitCode == 1 && GateVerdict.inconclusive.exitCode == 3)
        #expect(GateVerdict.worst([.pass, .inconclusive, .pass]) == .inconclusive)
        #expect(GateVerdict.worst([.inconclusive, .fail]) == .fail)
    }
}

extension GateNumber {
    static func + (lhs: GateNumber, rhs: Int64) -> GateNumber { GateNumber(scaled: lhs.scaled + Int128(rhs)) }
}
