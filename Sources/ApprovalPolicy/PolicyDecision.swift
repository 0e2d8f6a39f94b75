/// The four-eyes verdict for one operation: the same fields policies/approval.rego decides.
public struct PolicyDecision: Sendable, Equatable {
    /// A second (and third) person must approve before the operation runs.
    public var requiresFourEyes: Bool
    /// Every trigger that applied, sorted, in Rego's spelling (`PolicyDecision.Reason`);
    /// listed even when an emergency override waived them, so the audit shows what was waived.
    public var reasons: [String]
    /// An emergency override waived four eyes that `reasons` would otherwise require.
    public var emergencyRelaxed: Bool

    public init(requiresFourEyes: Bool, reasons: [String], emergencyRelaxed: Bool = false) {
        self.requiresFourEyes = requiresFourEyes
        self.reasons = reasons.sorted()
        self.emergencyRelaxed = emergencyRelaxed
    }

    /// The reason strings, spelled as policies/approval.rego spells them.
    public enum Reason {
        public static let estimateOverLimit = "estimate_over_limit"
        public static let tokensOverLimit = "tokens_over_limit"
        public static let crossTenant = "cross_tenant"

        /// `risk_tag:<tag>` for a tag in `PolicyConstants.fourEyesTags`.
        public static func riskTag(_ tag: String) -> String { "risk_tag:" + tag }
    }
}
