import Cutover
import Testing

@Suite("Cutover stages that require go/no-go gates")
struct StageGateTests {
    @Test("canary.gates: G1 binds every stage left for a higher weight, 50:G7 only the 50 % stage; unknown weights bind none")
    func requirements() {
        let gates = CutoverPlan.gates(requirements: ["G1", "50:G7", "30:G9", "G1"], stages: [5, 25, 50, 100])
        #expect(gates == [0: ["G1"], 1: ["G1"], 2: ["G1", "G7"]])
        #expect(CutoverPlan.gates(requirements: [], stages: [5, 100]).isEmpty)
    }

    @Test("a stage is left only when every required gate is PASS; anything else is refused naming each gate")
    func promotion() throws {
        let plan = CutoverPlan(stages: [50, 100], holdSeconds: 10, autoPromote: true, autoRollback: true, gates: [0: ["G1", "G7"]])
        let state = try CutoverState().start(plan, by: "rel", atSeconds: 1_000).get()
        #expect(state.requiredGates == ["G1", "G7"])
        let standing = ["G1": "PASS", "G7": "FAIL in gate run 4 (rpo_ms: 1 consecutive sample(s) miss <= 300000)"]
        guard case .failure(.gatesNotPassed(let unmet)) = state.promote(verdict: .green, atSeconds: 1_010, reason: "x", gates: standing) else {
            Issue.record("promoted with G7 failing")
            return
        }
        #expect(unmet == ["G7: FAIL in gate run 4 (rpo_ms: 1 consecutive sample(s) miss <= 300000)"])
        #expect(state.promote(verdict: .green, atSeconds: 1_010, reason: "x") == .failure(.gatesNotPassed(["G1: no verdict", "G7: no verdict"])))
        // Auto-promotion holds too: the tick promotes only with every gate PASS.
        #expect(state.tick(verdict: .green, atSeconds: 1_010, gates: standing) == nil)
        let next = try #require(state.tick(verdict: .green, atSeconds: 1_010, gates: ["G1": "PASS", "G7": "PASS"]))
        #expect(next.weightPercent == 100)
        #expect(next.requiredGates.isEmpty)
    }
}
