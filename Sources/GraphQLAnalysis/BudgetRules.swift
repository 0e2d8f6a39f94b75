/// What makes a `@budget` declaration valid.
public struct BudgetRules: Sendable, Equatable {
    /// The risk tags four-eyes knows (SPEC §2); any other tag is a mistake.
    public static let standardRiskTags: Set<String> = [
        "destructive", "bulk_delete", "merge_entities", "purge", "cross_tenant_move", "bulk_update",
        "schema_change", "data_export",
    ]

    /// A cap above this is taken for a typo ("absurd"): default $10,000.
    public var maxCapMicros: Int64
    public var knownRiskTags: Set<String>

    public init(maxCapMicros: Int64 = 10_000 * 1_000_000, knownRiskTags: Set<String> = BudgetRules.standardRiskTags) {
        self.maxCapMicros = maxCapMicros
        self.knownRiskTags = knownRiskTags
    }

    public static let `default` = BudgetRules()
}
