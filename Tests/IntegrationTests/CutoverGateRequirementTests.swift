import Foundation
import Testing
import TestSupport

/// SPEC §10/§11: a cutover stage that requires go/no-go gates is not left until a recent
/// `safemut gate validate` run recorded them as PASS.
@Suite("cutover stages that require gates", .serialized)
struct CutoverGateRequirementTests {
    @Test("a stage requiring G7 refuses promotion naming the gate until a recorded run has G7 PASS; a FAIL run refuses again")
    func stageNeedsGate() async throws {
        try await offPool {
            // A low sample floor: this test is about the gates, and a loaded CI box thins the
            // judge's 5 s windows (promote() below also retries a refusal by the judge).
            let rules = CutoverGatewayTests.fastRules.replacingOccurrences(of: "min_samples: 20", with: "min_samples: 5")
            let stack = try CutoverStack(canaryYAML: "  gates: [G7]\n  gate_max_age: 10m\n" + rules, replicas: 1)
            let load = BackgroundLoad(ports: stack.gatewayPorts)
            defer { load.stop() }
            let started = try stack.admin(0, "POST", "/admin/cutover", body: #"{"strategy":"canary","stages":[50,100],"hold_seconds":1}"#)
            #expect(started.status == 200, "\(started.text)")
            #expect((try stack.status(0)["gates_required"] as? [String]) == ["G7"])
            let signed = try stack.admin(0, "POST", "/admin/cutover/approvals", body: "{}", user: "sre-2", roles: "sre")
            #expect(signed.status == 200, "\(signed.text)")
            // Held and green (the judge needs its samples), but no gate run yet.
            let green = try CutoverGatewayTests.within(20) {
                let status = try stack.status(0)
                return status["verdict"] as? String == "pass" && status["hold_remaining_seconds"] as? Int == 0
            }
            #expect(green != nil, "\((try? stack.status(0)) ?? [:])")
            // Promote once the judge passes; a refusal by the judge (its window thinned for a
            // moment) is retried, so what comes back is the gates' answer.
            func promote() throws -> RawHTTPClient.Response {
                var last = try stack.admin(0, "POST", "/admin/cutover/promote", body: "{}")
                for _ in 0..<60 where last.text.contains("the judge does not allow promotion") {
                    usleep(500_000)
                    last = try stack.admin(0, "POST", "/admin/cutover/promote", body: "{}")
                }
                return last
            }
            let refused = try promote()
            #expect(refused.status == 409, "\(refused.text)")
            #expect(refused.text.contains("G7: no gate run in the last 600 s evaluated it"), "\(refused.text)")

            let work = NSTemporaryDirectory() + "cutover-gates-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: work) }
            let matrix = """
                version: 1
                gates:
                  - id: G7
                    source: drill
                    file: \(work)/drill-report.json
                    max_age: 24h
                    checks:
                      - {name: rpo_ms, metric: rpo_ms, threshold: "<= 300000"}
                      - {name: rto_ms, metric: rto_ms, threshold: "<= 3600000"}
                """
            try matrix.write(toFile: work + "/matrix.yaml", atomically: true, encoding: .utf8)
            let formatter = ISO8601DateFormatter()
            func validate(rpo: Int) throws -> Int32? {
                try #"{"kind":"safemut.drill/v1","ok":true,"finished_at":"\#(formatter.string(from: Date()))","rpo_ms":\#(rpo),"rto_ms":5000,"errors":[]}"#
                    .write(toFile: work + "/drill-report.json", atomically: true, encoding: .utf8)
                return try GateEndToEndTests.safemut(["gate", "validate", "--gate", "G7", "--matrix", work + "/matrix.yaml"], environment: ["DATABASE_URL": stack.databaseURL]).status
            }
            #expect(try validate(rpo: 900_000) == 1)
            let failed = try promote()
            #expect(failed.status == 409 && failed.text.contains("G7: FAIL in gate run"), "\(failed.text)")
            #expect(try validate(rpo: 1_000) == 0)
            let promoted = try promote()
            #expect(promoted.status == 200, "\(promoted.text)")
            #expect(try stack.status(0)["weight_percent"] as? Int == 100)
        }
    }
}
