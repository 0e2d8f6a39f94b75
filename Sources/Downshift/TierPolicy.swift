/// What one tier does (SPEC §12): every effect a small rule, the defaults the seed's, each
/// overridable per tier (`downshift.tiers.<n>.*`). A tier's policy already includes the
/// effects of the tiers below it (`TierTable` builds it so), so a request is judged by one
/// policy, never by walking the ladder.
public struct TierPolicy: Sendable, Equatable {
    /// Refused outright, whatever their priority (`batch` from 1, `enricher` from 3, `analytics` from 4).
    public var refuseTags: Set<String> = []
    /// Served only from the response cache; a miss is refused (`heavy_read` from 3).
    public var cacheOnlyTags: Set<String> = []
    /// The lowest priority still served: 3 serves P0–P3, 1 only P0 and P1 (5), 0 only P0 (6).
    public var lowestPriority = 3
    /// Non-P0 rate limits are multiplied by this, in per mille (500 = × 0.5 from 2).
    public var rateFactorPerMille = 1_000
    /// `llm`-tagged mutations estimated above this many tokens are refused (from 2).
    public var maxLLMTokens: Int64?
    /// A `hopsArg` value above this is refused (2 from 4).
    public var maxHops: Int64?
    /// Forward the tier upstream as `X-Downshift-Tier` (from 2).
    public var forwardTier = false
    /// Access-log only a sample of requests at or below this priority's importance
    /// (P2 and less important from 1): nil logs every request.
    public var sampleLogsFromPriority: Int?
    /// Refuse tenants with no ledger activity before the tier began (from 5: protect).
    public var protectNewTenants = false

    public init() {}
}

/// The seven tiers' policies, cumulative, with the seed's defaults.
public struct TierTable: Sendable, Equatable {
    public private(set) var policies: [TierPolicy]

    /// `downshift.max_tokens`' default: an LLM call above it is refused from tier 2.
    public static let defaultMaxLLMTokens: Int64 = 4_000

    /// SPEC §12's defaults: 1 observe — sample logs for P2+, refuse `batch`; 2 throttle —
    /// non-P0 rates × 0.5, `llm` above max tokens refused, the tier forwarded; 3 shed —
    /// refuse `enricher`, `heavy_read` only from the cache; 4 degrade — refuse
    /// `analytics`, hops > 2 refused; 5 protect — no new tenants, only P0 and P1;
    /// 6 emergency — only P0.
    public static func seed(maxLLMTokens: Int64 = defaultMaxLLMTokens) -> TierTable {
        var tiers = [TierPolicy](repeating: TierPolicy(), count: 7)
        tiers[1].sampleLogsFromPriority = 2
        tiers[1].refuseTags = ["batch"]
        tiers[2].rateFactorPerMille = 500
        tiers[2].maxLLMTokens = maxLLMTokens
        tiers[2].forwardTier = true
        tiers[3].refuseTags = ["enricher"]
        tiers[3].cacheOnlyTags = ["heavy_read"]
        tiers[4].refuseTags = ["analytics"]
        tiers[4].maxHops = 2
        tiers[5].protectNewTenants = true
        tiers[5].lowestPriority = 1
        tiers[6].lowestPriority = 0
        return TierTable(stepwise: tiers)
    }

    /// Policies given tier by tier (what each tier adds); each is merged with the ones below.
    public init(stepwise: [TierPolicy]) {
        precondition(stepwise.count == DownshiftTier.allCases.count, "one policy per tier 0…6")
        var merged: [TierPolicy] = []
        for (index, own) in stepwise.enumerated() {
            guard index > 0 else {
                merged.append(own)
                continue
            }
            let below = merged[index - 1]
            var policy = own
            policy.refuseTags.formUnion(below.refuseTags)
            policy.cacheOnlyTags.formUnion(below.cacheOnlyTags)
            policy.lowestPriority = min(own.lowestPriority, below.lowestPriority)
            policy.rateFactorPerMille = min(own.rateFactorPerMille, below.rateFactorPerMille)
            policy.maxLLMTokens = [own.maxLLMTokens, below.maxLLMTokens].compactMap { $0 }.min()
            policy.maxHops = [own.maxHops, below.maxHops].compactMap { $0 }.min()
            policy.forwardTier = own.forwardTier || below.forwardTier
            policy.sampleLogsFromPriority = [own.sampleLogsFromPriority, below.sampleLogsFromPriority].compactMap { $0 }.min()
            policy.protectNewTenants = own.protectNewTenants || below.protectNewTenants
            merged.append(policy)
        }
        policies = merged
    }

    public subscript(tier: DownshiftTier) -> TierPolicy { policies[tier.rawValue] }
}
