import ApprovalPolicy
import Testing

/// The in-process rules on their own (the conformance table holds them to the Rego).
@Suite struct ApprovalRulesTests {
    let base = PolicyInput(tenant: "acme", requester: "alice", estimateMicros: 1_000_000, tokens: 100)

    func with(_ change: (inout PolicyInput) -> Void) -> PolicyInput {
        var input = base
        change(&input)
        return input
    }

    @Test func nothingRiskyNeedsNoSecondApprover() {
        #expect(ApprovalRules.evaluate(base) == PolicyDecision(requiresFourEyes: false, reasons: []))
    }

    @Test(arguments: PolicyConstants.fourEyesTags.sorted())
    func eachFourEyesTagTriggers(tag: String) {
        let decision = ApprovalRules.evaluate(with { $0.riskTags = [tag] })
        #expect(decision == PolicyDecision(requiresFourEyes: true, reasons: ["risk_tag:" + tag]))
    }

    @Test func aTagGivenTwiceIsOneReason() {
        #expect(ApprovalRules.evaluate(with { $0.riskTags = ["purge", "purge"] }).reasons == ["risk_tag:purge"])
    }

    @Test func tagsOutsideTheSetAndOtherCasesDoNotTrigger() {
        #expect(!ApprovalRules.evaluate(with { $0.riskTags = ["read_only", "PURGE", ""] }).requiresFourEyes)
    }

    @Test func estimateBoundaryIsStrictlyAboveFiveDollars() {
        #expect(!ApprovalRules.evaluate(with { $0.estimateMicros = PolicyConstants.estimateLimitMicros }).requiresFourEyes)
        #expect(ApprovalRules.evaluate(with { $0.estimateMicros = 5_000_001 }).reasons == ["estimate_over_limit"])
    }

    @Test func tokenBoundaryIsStrictlyAboveFiftyThousand() {
        #expect(!ApprovalRules.evaluate(with { $0.tokens = 50_000 }).requiresFourEyes)
        #expect(ApprovalRules.evaluate(with { $0.tokens = 50_001 }).reasons == ["tokens_over_limit"])
    }

    @Test func anotherTenantIsCrossTenantAndTheOwnIsNot() {
        #expect(ApprovalRules.evaluate(with { $0.targetTenants = ["acme", "globex"] }).reasons == ["cross_tenant"])
        #expect(!ApprovalRules.evaluate(with { $0.targetTenants = ["acme"] }).requiresFourEyes)
    }

    @Test func reasonsAreSortedLikeRego() {
        let decision = ApprovalRules.evaluate(with {
            $0.riskTags = ["purge", "bulk_update"]
            $0.estimateMicros = 12_000_000
            $0.tokens = 60_000
            $0.targetTenants = ["globex"]
        })
        #expect(decision.reasons == ["cross_tenant", "estimate_over_limit", "risk_tag:bulk_update", "risk_tag:purge", "tokens_over_limit"])
    }

    @Test func overrideRelaxesUpToTenDollarsInclusive() {
        let atCeiling = ApprovalRules.evaluate(with {
            $0.emergencyOverride = true
            $0.estimateMicros = PolicyConstants.emergencyCeilingMicros
        })
        #expect(atCeiling == PolicyDecision(requiresFourEyes: false, reasons: ["estimate_over_limit"], emergencyRelaxed: true))
        let over = ApprovalRules.evaluate(with {
            $0.emergencyOverride = true
            $0.estimateMicros = 10_000_001
        })
        #expect(over == PolicyDecision(requiresFourEyes: true, reasons: ["estimate_over_limit"], emergencyRelaxed: false))
    }

    @Test(arguments: PolicyConstants.highRiskTags.sorted())
    func overrideNeverRelaxesAHighRiskTag(tag: String) {
        let decision = ApprovalRules.evaluate(with {
            $0.emergencyOverride = true
            $0.riskTags = ["bulk_update", tag]
        })
        #expect(decision.requiresFourEyes)
        #expect(!decision.emergencyRelaxed)
    }

    @Test func overrideNeverRelaxesCrossTenant() {
        let decision = ApprovalRules.evaluate(with {
            $0.emergencyOverride = true
            $0.targetTenants = ["globex"]
        })
        #expect(decision == PolicyDecision(requiresFourEyes: true, reasons: ["cross_tenant"]))
    }

    @Test func overrideWithNothingToWaiveIsNotRelaxed() {
        #expect(ApprovalRules.evaluate(with { $0.emergencyOverride = true }) == PolicyDecision(requiresFourEyes: false, reasons: []))
    }

    @Test(arguments: PolicyConstants.globalApproverRoles.sorted())
    func globalRolesApproveAnyTenant(role: String) {
        #expect(ApprovalRules.isValidApprover(Approver(id: "bob", roles: [role], tenant: "globex"), tenant: "acme", requester: "alice"))
        #expect(ApprovalRules.isValidApprover(Approver(id: "bob", roles: [role]), tenant: "acme", requester: "alice"))
    }

    @Test func teamLeadApprovesOnlyTheirOwnTenant() {
        #expect(ApprovalRules.isValidApprover(Approver(id: "bob", roles: ["team_lead"], tenant: "acme"), tenant: "acme", requester: "alice"))
        #expect(!ApprovalRules.isValidApprover(Approver(id: "bob", roles: ["team_lead"], tenant: "globex"), tenant: "acme", requester: "alice"))
        #expect(!ApprovalRules.isValidApprover(Approver(id: "bob", roles: ["team_lead"]), tenant: "acme", requester: "alice"))
    }

    @Test func theRequesterNeverApproves() {
        #expect(!ApprovalRules.isValidApprover(Approver(id: "alice", roles: ["admin"], tenant: "acme"), tenant: "acme", requester: "alice"))
    }

    @Test func unknownRolesNoRolesAndEmptyIDsDoNotApprove() {
        #expect(!ApprovalRules.isValidApprover(Approver(id: "bob", roles: ["viewer", "Admin"]), tenant: "acme", requester: "alice"))
        #expect(!ApprovalRules.isValidApprover(Approver(id: "bob", roles: []), tenant: "acme", requester: "alice"))
        #expect(!ApprovalRules.isValidApprover(Approver(id: "", roles: ["admin"]), tenant: "acme", requester: "alice"))
    }

    @Test func approvalNeedsTwoDistinctValidPeople() {
        let bob = Approver(id: "bob", roles: ["admin"])
        let carol = Approver(id: "carol", roles: ["team_lead"], tenant: "acme")
        let alice = Approver(id: "alice", roles: ["admin"])
        let foreignLead = Approver(id: "dave", roles: ["team_lead"], tenant: "globex")
        func approved(_ list: [Approver]) -> Bool { ApprovalRules.isApproved(approvers: list, tenant: "acme", requester: "alice") }
        #expect(approved([bob, carol]))
        #expect(!approved([bob, bob]))
        #expect(!approved([bob, Approver(id: "bob", roles: ["finance_admin"])]))
        #expect(!approved([bob, alice]))
        #expect(!approved([bob, foreignLead]))
        #expect(!approved([bob]))
        #expect(!approved([]))
        #expect(approved([alice, foreignLead, bob, carol]))
    }
}
