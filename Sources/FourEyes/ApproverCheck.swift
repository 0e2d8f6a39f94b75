import ApprovalPolicy
import Identity

/// Why a person may not decide a four-eyes request, in words for the 403, or nil when the
/// policy's approver rule (`ApprovalRules.isValidApprover`, the same as `valid_approver` in
/// policies/approval.rego) lets them.
public enum ApproverCheck {
    public static func problem(_ approver: Approver, tenant: String, requester: String) -> String? {
        if approver.id == requester { return "the requester of a four-eyes request may not decide it" }
        if ApprovalRules.isValidApprover(approver, tenant: tenant, requester: requester) { return nil }
        if approver.roles.contains(Role.teamLead) {
            return "a team_lead may decide requests of their own tenant (\(approver.tenant ?? "none")) only; this one is \(tenant)'s"
        }
        let roles = approver.roles.isEmpty ? "no roles" : "roles " + approver.roles.joined(separator: ",")
        return "\(roles) may not approve four-eyes requests; approvers are admin, finance_admin, security_admin, "
            + "senior_analyst, or a team_lead of the request's tenant"
    }
}
