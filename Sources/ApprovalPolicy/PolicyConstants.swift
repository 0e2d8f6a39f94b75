/// Every number and set the four-eyes rules use (SPEC §2 "Four-eyes", §9), in one place.
///
/// policies/approval.rego declares the same values under the same names in snake_case;
/// the conformance table (policies/conformance/cases.json) fails if the two drift apart.
public enum PolicyConstants {
    /// Risk tags that need a second approver.
    public static let fourEyesTags: Set<String> = [
        "destructive", "bulk_delete", "merge_entities", "purge",
        "cross_tenant_move", "bulk_update", "schema_change", "data_export",
    ]

    /// The rollback plan's high-risk tags: an emergency override never relaxes these.
    public static let highRiskTags: Set<String> = ["bulk_delete", "purge", "cross_tenant_move", "schema_change"]

    /// $5.00: an estimate above this needs four eyes; $5.00 exactly does not.
    public static let estimateLimitMicros: Int64 = 5_000_000

    /// More tokens than this need four eyes; 50,000 exactly does not.
    public static let tokenLimit: Int64 = 50_000

    /// $10.00: with an emergency override, operations estimated at or below this are relaxed.
    public static let emergencyCeilingMicros: Int64 = 10_000_000

    /// Roles that approve requests of any tenant.
    public static let globalApproverRoles: Set<String> = ["admin", "finance_admin", "security_admin", "senior_analyst"]

    /// The role that approves requests of its own tenant only.
    public static let tenantApproverRole = "team_lead"

    /// Distinct valid approvers a request needs.
    public static let requiredApprovals = 2
}
