import Foundation
import Testing
@testable import GateChecks
@testable import Gates

/// The runner over real files and processes (no network): load tests, drill reports,
/// commands and the policy bundle; every unreadable source INCONCLUSIVE, never PASS.
@Suite("gate runner over files and commands")
struct GateRunnerFileTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "gate-runner-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// 2026-12-07T01:00:00Z, fixed: no verdict depends on when the test runs.
    static let now: Int64 = 1_796_605_200_000_000

    func runner(release: String? = nil) -> GateRunner {
        GateRunner(environment: GateEnvironment(
            prometheus: nil, pool: nil, budgetsMicros: [:], release: release, directory: directory, nowMicros: { Self.now }))
    }

    func run(_ yaml: String, release: String? = nil) async throws -> GateRun {
        let matrix = try GateMatrix.parse(Array(yaml.utf8), file: "m.yaml")
        return await runner(release: release).run(matrix, file: "m.yaml", only: nil, actor: "test")
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    static let loadGate = """
        version: 1
        gates:
          - id: G5
            source: loadtest
            file: stats_history.csv
            fail_after: 2
            min_samples: 3
            checks:
              - {name: p95_ms, metric: p95_ms, threshold: "<= 700"}
              - {name: error_ratio, metric: error_ratio, threshold: "<= 0.001"}
        """
    static let header = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count\n"
    static func row(_ second: Int, p95: Int, failures: String = "0") -> String {
        "\(1_796_605_000 + second),10,,Aggregated,100.0,\(failures),10,11,12,13,14,\(p95),16,17,18,19,20,100,0\n"
    }

    @Test("G5: one slow window passes (noted), two in a row fail")
    func loadTestWindows() async throws {
        try write("stats_history.csv", Self.header + Self.row(1, p95: 100) + Self.row(2, p95: 900) + Self.row(3, p95: 100) + Self.row(4, p95: 120))
        let noisy = try await run(Self.loadGate)
        #expect(noisy.results[0].verdict == .pass, "\(noisy.results[0])")
        #expect(noisy.results[0].checks[0].outcome.failing == 1)
        try write("stats_history.csv", Self.header + Self.row(1, p95: 100) + Self.row(2, p95: 900) + Self.row(3, p95: 950) + Self.row(4, p95: 120))
        let tripped = try await run(Self.loadGate)
        #expect(tripped.results[0].verdict == .fail)
        #expect(tripped.results[0].reason.contains("2 consecutive"))
        #expect(tripped.results[0].inputs.first?.kind == "loadtest")
    }

    @Test("G5: a missing or malformed load-test file is INCONCLUSIVE with the reason")
    func loadTestMissingOrMalformed() async throws {
        let missing = try await run(Self.loadGate)
        #expect(missing.results[0].verdict == .inconclusive)
        #expect(missing.results[0].reason.contains("stats_history.csv missing"))
        try write("stats_history.csv", "this,is,not\nlocust,output,at all\n")
        let malformed = try await run(Self.loadGate)
        #expect(malformed.results[0].verdict == .inconclusive)
        #expect(malformed.results[0].reason.contains("malformed: line 1: no Timestamp column"), "\(malformed.results[0].reason)")
    }

    @Test("G5's human confirmation: passing checks without a qe sign-off are INCONCLUSIVE")
    func confirmationNeeded() async throws {
        try write("stats_history.csv", Self.header + Self.row(1, p95: 100) + Self.row(2, p95: 110) + Self.row(3, p95: 120))
        let yaml = Self.loadGate.replacingOccurrences(of: "    fail_after: 2\n", with: "    fail_after: 2\n    sign_off_roles: [qe]\n")
        let waiting = try await run(yaml, release: "v1.2.3")
        #expect(waiting.results[0].verdict == .inconclusive)
        #expect(waiting.results[0].reason.contains("sign-offs unreadable: database.url is not set"))
    }

    static let drillGate = """
        version: 1
        gates:
          - id: G7
            source: drill
            file: drill-report.json
            max_age: 24h
            checks:
              - {name: rpo_ms, metric: rpo_ms, threshold: "<= 300000"}
              - {name: rto_ms, metric: rto_ms, threshold: "<= 3600000"}
        """

    @Test("G7: a fresh report meeting RPO and RTO passes; a missed target, a failed drill or a stale report does not")
    func drillReports() async throws {
        func report(ok: Bool = true, rpo: Int, rto: String, finished: String = "2026-12-07T00:30:00Z", errors: String = "[]") throws {
            try write("drill-report.json", #"{"kind":"safemut.drill/v1","ok":\#(ok),"finished_at":"\#(finished)","rpo_ms":\#(rpo),"rto_ms":\#(rto),"errors":\#(errors)}"#)
        }
        try report(rpo: 1_500, rto: "42000")
        #expect(try await run(Self.drillGate).results[0].verdict == .pass)
        try report(rpo: 400_000, rto: "42000")
        let missed = try await run(Self.drillGate).results[0]
        #expect(missed.verdict == .fail && missed.reason.contains("rpo_ms"))
        try report(ok: false, rpo: 0, rto: "null", errors: #"[{"step":"wal","code":"wal_gap","message":"000000010000000000000004 missing"}]"#)
        let broken = try await run(Self.drillGate).results[0]
        #expect(broken.verdict == .fail && broken.reason.contains("wal_gap"), "\(broken.reason)")
        try report(rpo: 1_500, rto: "42000", finished: "2026-12-05T00:30:00Z")
        let stale = try await run(Self.drillGate).results[0]
        #expect(stale.verdict == .inconclusive && stale.reason.contains("rehearse again"))
    }

    @Test("command gates: exit 0 PASS, 1 FAIL, 3 INCONCLUSIVE, a missing program or a timeout INCONCLUSIVE; output kept")
    func commands() async throws {
        func gate(_ argv: String, timeout: String = "10s") -> String {
            "version: 1\ngates:\n  - id: G3\n    source: command\n    command: \(argv)\n    timeout: \(timeout)\n"
        }
        let pass = try await run(gate(#"[sh, -c, "echo verified; exit 0"]"#)).results[0]
        #expect(pass.verdict == .pass && pass.reason.contains("verified"))
        #expect(pass.inputs.first?.content == Array("verified\n".utf8))
        #expect(try await run(gate(#"[sh, -c, "echo bad signature >&2; exit 1"]"#)).results[0].verdict == .fail)
        #expect(try await run(gate("[sh, -c, 'exit 3']")).results[0].verdict == .inconclusive)
        let missing = try await run(gate("[/nonexistent/check]")).results[0]
        #expect(missing.verdict == .inconclusive && missing.reason.contains("cannot start"))
        let slow = try await run(gate("[sleep, '30']", timeout: "1s")).results[0]
        #expect(slow.verdict == .inconclusive && slow.reason.contains("timed out"))
    }

    @Test("G4: a signed bundle passes; a changed, unlisted or foreign-signed policy fails")
    func policyBundle() async throws {
        let policies = directory + "/policies"
        try FileManager.default.createDirectory(atPath: policies, withIntermediateDirectories: true)
        try "package approval\n".write(toFile: policies + "/approval.rego", atomically: true, encoding: .utf8)
        for name in ["key", "other"] {
            let made = Process()
            made.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            made.arguments = ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", directory + "/\(name).pem"]
            try made.run()
            made.waitUntilExit()
            let pub = Process()
            pub.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            pub.arguments = ["pkey", "-in", directory + "/\(name).pem", "-pubout", "-out", directory + "/\(name).pub.pem"]
            try pub.run()
            pub.waitUntilExit()
        }
        _ = try PolicyBundle.sign(directory: policies, keyPath: directory + "/key.pem", bundle: policies + "/bundle.json", nowMicros: Self.now)
        // openssl verifies the detached signature too.
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["dgst", "-sha256", "-verify", directory + "/key.pub.pem", "-signature", policies + "/bundle.json.sig", policies + "/bundle.json"]
        openssl.standardOutput = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        let yaml = "version: 1\ngates:\n  - id: G4\n    source: policy\n    file: policies/bundle.json\n    public_key: KEY\n"
        #expect(try await run(yaml.replacingOccurrences(of: "KEY", with: "key.pub.pem")).results[0].verdict == .pass)
        let foreign = try await run(yaml.replacingOccurrences(of: "KEY", with: "other.pub.pem")).results[0]
        #expect(foreign.verdict == .fail && foreign.reason.contains("does not verify"))
        try "package approval\nallow := true\n".write(toFile: policies + "/approval.rego", atomically: true, encoding: .utf8)
        let changed = try await run(yaml.replacingOccurrences(of: "KEY", with: "key.pub.pem")).results[0]
        #expect(changed.verdict == .fail && changed.reason.contains("sha256 differs"))
        try "package approval\n".write(toFile: policies + "/approval.rego", atomically: true, encoding: .utf8)
        try "package backdoor\n".write(toFile: policies + "/extra.rego", atomically: true, encoding: .utf8)
        let unlisted = try await run(yaml.replacingOccurrences(of: "KEY", with: "key.pub.pem")).results[0]
        #expect(unlisted.verdict == .fail && unlisted.reason.contains("not in the signed bundle"))
    }

    @Test("Prometheus and the ledger not configured: INCONCLUSIVE with the reason, even with on_no_data: fail")
    func unconfiguredSources() async throws {
        let yaml = """
            version: 1
            defaults: {on_no_data: fail}
            gates:
              - id: G1
                source: prometheus
                checks: [{name: up, query: up, threshold: ">= 1"}]
              - id: G6
                source: ledger
                budget: llm
                checks: [{name: burn, metric: burn_ratio, threshold: "< 0.8"}]
            """
        let run = try await run(yaml)
        #expect(run.results.map(\.verdict) == [.inconclusive, .inconclusive])
        #expect(run.results[0].reason.contains("PROMQL_URL is not set"))
        #expect(run.results[1].reason.contains("database.url is not set"))
        #expect(run.overall == .inconclusive)
    }

    @Test("sign-off matching: one distinct person per role")
    func matching() {
        func signOff(_ person: String, _ role: String) -> GateSignOff {
            GateSignOff(gate: "G8", release: "v1", person: person, role: role, note: "", signedAtMicros: 0)
        }
        let (filled, missing) = SignOffMatching.assign(roles: ["sre", "sre", "release_lead"], signOffs: [signOff("a", "sre"), signOff("b", "release_lead")])
        #expect(filled.map(\.person) == ["a", "b"])
        #expect(missing == ["sre"])
    }
}
