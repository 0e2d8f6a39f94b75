/// The four-eyes rules evaluated in process: a Swift transcription of
/// policies/approval.rego, held to it by the shared conformance table.
///
/// Pure and allocation-light: no JSON, no I/O, so the admission step can call it on
/// every mutation without leaving its loop.
public enum ApprovalRules {
    /// Whether `input` needs four eyes, and why (Rego: `requires_4eyes`, `reasons`,
    /// `emergency_relaxed`).
    public static func evaluate(_ input: PolicyInput) -> PolicyDecision {
        var reasons: [String] = []
        var highRisk = false
        for tag in input.riskTags where PolicyConstants.fourEyesTags.contains(tag) {
            let reason = PolicyDecision.Reason.riskTag(tag)
            // Rego's tags are a set: a tag given twice is one reason.
            if !reasons.contains(reason) { reasons.append(reason) }
            if PolicyConstants.highRiskTags.contains(tag) { highRisk = true }
        }
        if input.estimateMicros > PolicyConstants.estimateLimitMicros {
            reasons.append(PolicyDecision.Reason.estimateOverLimit)
        }
        if input.tokens > PolicyConstants.tokenLimit {
            reasons.append(PolicyDecision.Reason.tokensOverLimit)
        }
        let crossTenant = input.touchesOtherTenant
        if crossTenant {
            reasons.append(PolicyDecision.Reason.crossTenant)
        }
        // The rollback plan's relaxed rule; a cross-tenant write is never relaxed (our
        // choice, explained in policies/approval.rego next to `emergency_relaxed`).
        let relaxed = input.emergencyOverride
            && !reasons.isEmpty
            && input.estimateMicros <= PolicyConstants.emergencyCeilingMicros
            && !highRisk
            && !crossTenant
        return PolicyDecision(requiresFourEyes: !reasons.isEmpty && !relaxed, reasons: reasons, emergencyRelaxed: relaxed)
    }

    /// Whether `approver` may approve a request of `tenant` made by `requester` (Rego:
    /// `valid_approver`): a global approver role, or `team_lead` of `tenant`; never the
    /// requester, never an empty id. Roles match exactly.
    public static func isValidApprover(_ approver: Approver, tenant: String, requester: String) -> Bool {
        guard !approver.id.isEmpty, approver.id != requester else { return false }
        if approver.roles.contains(where: PolicyConstants.globalApproverRoles.contains) { return true }
        return approver.roles.contains(PolicyConstants.tenantApproverRole) && approver.tenant == tenant
    }

    /// Whether `approvers` hold enough distinct valid people (Rego: `approved`); one id
    /// listed twice counts once, invalid entries count for nothing.
    public static func isApproved(approvers: [Approver], tenant: String, requester: String) -> Bool {
        var ids: [String] = []
        for approver in approvers where isValidApprover(approver, tenant: tenant, requester: requester) {
            if !ids.contains(approver.id) { ids.append(approver.id) }
            if ids.count >= PolicyConstants.requiredApprovals { return true }
        }
        return false
    }
}
