import Cutover
import Testing

@Suite("Cutover state: start, holds, sign-offs, promotion, rollback, kill switch")
struct StateTests {
    static let plan = CutoverPlan(
        stages: [5, 25, 50, 100], holdSeconds: 60, autoPromote: false, autoRollback: true, signOffs: CutoverPlan.seedSignOffs)

    func started(at now: Int64 = 1_000) throws -> CutoverState {
        try CutoverState().start(Self.plan, by: "starter", atSeconds: now).get()
    }

    @Test("5 → 25 → 50 → 100 → completed with holds and the seed's stage owners; the weight follows")
    func walk() throws {
        var state = try started()
        #expect(state.weightPercent == 5)
        #expect(state.stageNumber == 1)
        var now: Int64 = 1_000
        let owners: [[(String, Set<String>)]] = [
            [("sre-1", ["sre"])],
            [("po-1", ["product_owner"]), ("tl-1", ["tech_lead"])],
            [("sre-2", ["sre"]), ("sec-1", ["security_admin"])],
            [],
        ]
        for (index, signers) in owners.enumerated() {
            now += 60
            for (person, roles) in signers {
                state = try state.signOff(by: person, roles: roles, atSeconds: now).get()
            }
            state = try state.promote(verdict: .green, atSeconds: now, reason: "promoted by sre-1").get()
            #expect(state.weightPercent == [25, 50, 100, 100][index])
        }
        #expect(state.status == .completed)
        #expect(state.stageNumber == 0)
    }

    @Test("a promote while holding, while the judge is inconclusive or failing, or without sign-offs is refused by name")
    func promoteRefused() throws {
        let state = try started()
        #expect(state.promote(verdict: .green, atSeconds: 1_030, reason: "x") == .failure(.holding(remainingSeconds: 30)))
        let inconclusive = StageVerdict(rules: [RuleVerdict(rule: "error_ratio", verdict: .inconclusive, detail: "12 samples", breachSeconds: 0)])
        guard case .failure(.verdict(let why)) = state.promote(verdict: inconclusive, atSeconds: 1_060, reason: "x") else {
            Issue.record("an inconclusive stage was promoted")
            return
        }
        #expect(why.contains("error_ratio inconclusive"))
        #expect(state.promote(verdict: .green, atSeconds: 1_060, reason: "x") == .failure(.signOffsMissing(["sre"])))
    }

    @Test("the starter cannot sign off; one person cannot sign twice; a role the stage does not need is refused")
    func signOffRules() throws {
        var state = try started()
        state = try state.rollBack(reason: "reset").get()
        state = try state.start(
            CutoverPlan(stages: [25, 100], holdSeconds: 1, autoPromote: false, autoRollback: false, signOffs: [0: ["product_owner", "tech_lead"]]),
            by: "starter", atSeconds: 0).get()
        #expect(state.signOff(by: "starter", roles: ["product_owner"], atSeconds: 1) == .failure(.starterCannotSignOff))
        state = try state.signOff(by: "alex", roles: ["product_owner", "tech_lead"], atSeconds: 1).get()
        #expect(state.signOff(by: "alex", roles: ["tech_lead"], atSeconds: 2) == .failure(.alreadySignedOff("alex")))
        #expect(state.signOff(by: "sam", roles: ["sre"], atSeconds: 2) == .failure(.roleNotNeeded(person: "sam", needed: ["tech_lead"])))
        state = try state.signOff(by: "sam", roles: ["tech_lead"], atSeconds: 2).get()
        #expect(state.missingSignOffs.isEmpty)
    }

    @Test("rollback is weight 0 and needs an explicit start after it; a start while running is refused")
    func rollback() throws {
        let state = try started()
        #expect(state.start(Self.plan, by: "x", atSeconds: 2_000) == .failure(.alreadyRunning(.running)))
        let rolled = try state.rollBack(reason: "by hand").get()
        #expect(rolled.weightPercent == 0)
        #expect(rolled.tick(verdict: .green, atSeconds: 5_000) == nil, "nothing restarts by itself")
        #expect(rolled.rollBack(reason: "again") == .failure(.notRunning(.rolledBack)))
        let again = try rolled.start(Self.plan, by: "starter", atSeconds: 3_000).get()
        #expect(again.weightPercent == 5)
        #expect(again.signOffs.isEmpty)
    }

    @Test("the kill switch takes the weight to 0 at once, rolls back, and blocks a start until released")
    func killSwitch() throws {
        let killed = try started().killSwitch(enable: false, reason: "canary.enable=false")
        #expect(killed.weightPercent == 0)
        #expect(killed.status == .rolledBack)
        #expect(killed.start(Self.plan, by: "starter", atSeconds: 2_000) == .failure(.killSwitchEngaged))
        let released = killed.killSwitch(enable: true, reason: "released")
        #expect(released.weightPercent == 0, "releasing starts nothing")
        #expect((try? released.start(Self.plan, by: "starter", atSeconds: 2_000).get())?.weightPercent == 5)
    }

    @Test("a tick rolls back on a failing verdict with auto_rollback, promotes a green held stage with auto_promote")
    func ticks() throws {
        let failing = StageVerdict(rules: [RuleVerdict(rule: "error_ratio", verdict: .fail, detail: "10 %", breachSeconds: 300)])
        let state = try started()
        let rolled = state.tick(verdict: failing, atSeconds: 1_010)
        #expect(rolled?.status == .rolledBack)
        #expect(rolled?.lastReason?.contains("auto-rollback: error_ratio fail") == true)
        let auto = try CutoverState().start(
            CutoverPlan(stages: [5, 100], holdSeconds: 60, autoPromote: true, autoRollback: false), by: "s", atSeconds: 0).get()
        #expect(auto.tick(verdict: .green, atSeconds: 59) == nil, "still holding")
        #expect(auto.tick(verdict: .green, atSeconds: 60)?.weightPercent == 100)
        #expect(auto.tick(verdict: failing, atSeconds: 60) == nil, "no auto-rollback configured: the failure only holds")
    }

    @Test("pause holds the weight and stops promotion; resume restarts the hold")
    func pauseResume() throws {
        let paused = try started().pause(reason: "looking").get()
        #expect(paused.weightPercent == 5)
        #expect(paused.promote(verdict: .green, atSeconds: 9_999, reason: "x") == .failure(.notRunning(.paused)))
        let resumed = try paused.resume(atSeconds: 5_000, reason: "ok").get()
        #expect(resumed.heldSeconds(atSeconds: 5_030) == 30)
    }
}
