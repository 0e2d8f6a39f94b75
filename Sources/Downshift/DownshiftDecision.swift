/// One root field of a request as the ladder sees it: its class from the SDL
/// (`@downshift`, `@cacheable`) and the figures the rules read.
public struct DownshiftField: Sendable, Equatable {
    public var name: String
    /// 0 (P0, essential) … 3 (P3); undeclared fields are P2.
    public var priority: Int
    public var tags: Set<String>
    /// The `hopsArg` argument's value in this request, when the field declares one.
    public var hops: Int64?
    /// Declared `@cacheable`.
    public var cacheable: Bool

    public init(name: String, priority: Int = 2, tags: Set<String> = [], hops: Int64? = nil, cacheable: Bool = false) {
        self.name = name
        self.priority = priority
        self.tags = tags
        self.hops = hops
        self.cacheable = cacheable
    }
}

/// What the ladder is asked about one request.
public struct DownshiftRequest: Sendable, Equatable {
    public var isMutation: Bool
    public var fields: [DownshiftField]
    /// The estimate's tokens (mutations), for the `llm` cap.
    public var estimatedTokens: Int64
    /// Whether the tenant had ledger activity before the tier began; nil: unknown (the
    /// ledger was not asked, or could not answer), which protect treats as new.
    public var tenantKnownBeforeTier: Bool?
    /// The response cache holds an answer for this request.
    public var cached: Bool

    public init(isMutation: Bool, fields: [DownshiftField], estimatedTokens: Int64 = 0, tenantKnownBeforeTier: Bool? = nil, cached: Bool = false) {
        self.isMutation = isMutation
        self.fields = fields
        self.estimatedTokens = estimatedTokens
        self.tenantKnownBeforeTier = tenantKnownBeforeTier
        self.cached = cached
    }

    /// The request's priority: its most important field's (a P0 field keeps a request alive).
    public var priority: Int {
        var lowest = fields.isEmpty ? 2 : 3
        for field in fields where field.priority < lowest { lowest = field.priority }
        return lowest
    }
}

/// The ladder's answer.
public enum DownshiftDecision: Sendable, Equatable {
    /// Served: with these adjustments.
    case serve(Adjustments)
    /// Refused: `DOWNSHIFTED` (503, `Retry-After`, `extensions.tier`, `extensions.reason`).
    case refuse(reason: String, detail: String)

    public struct Adjustments: Sendable, Equatable {
        /// Non-P0 rate factor, per mille (1000: unchanged).
        public var rateFactorPerMille = 1_000
        /// Forward `X-Downshift-Tier: n`.
        public var forwardTier: Int?
        /// Answer only from the cache (the caller found it cached).
        public var fromCacheOnly = false
        /// Write this request to the access log (false: sampled out).
        public var logged = true

        public init() {}
    }
}

/// The rules of one tier applied to one request, in a fixed order so the reason a client
/// sees is the most fundamental one: priority, then new tenant, tags, hops, tokens, cache.
public enum TierRules {
    public static func decide(_ request: DownshiftRequest, tier: DownshiftTier, policy: TierPolicy, logSample: Bool = true) -> DownshiftDecision {
        guard tier != .normal else { return .serve(.init()) }
        let priority = request.priority
        if priority > policy.lowestPriority {
            return .refuse(reason: "priority", detail: "tier \(tier) serves only P0–P\(policy.lowestPriority); this request is P\(priority)")
        }
        if policy.protectNewTenants && priority > 0 && request.tenantKnownBeforeTier != true {
            return .refuse(reason: "new_tenant", detail: "tier \(tier) serves only tenants with ledger activity before the tier began")
        }
        for field in request.fields {
            // Sorted only on a refusal, so the reason is the same whatever the Set's order.
            if !field.tags.isEmpty, !field.tags.isDisjoint(with: policy.refuseTags),
               let tag = field.tags.sorted().first(where: policy.refuseTags.contains) {
                return .refuse(reason: "tag_\(tag)", detail: "tier \(tier) refuses \(tag) operations (\(field.name))")
            }
            if let limit = policy.maxHops, let hops = field.hops, hops > limit {
                return .refuse(reason: "hops", detail: "tier \(tier) allows at most \(limit) hops; \(field.name) asks for \(hops)")
            }
        }
        if request.isMutation, let limit = policy.maxLLMTokens, request.estimatedTokens > limit,
           request.fields.contains(where: { $0.tags.contains("llm") }) {
            return .refuse(reason: "llm_tokens", detail: "tier \(tier) refuses LLM calls above \(limit) tokens; this one is estimated at \(request.estimatedTokens)")
        }
        var adjustments = DownshiftDecision.Adjustments()
        if !policy.cacheOnlyTags.isEmpty, request.fields.contains(where: { !$0.tags.isEmpty && !$0.tags.isDisjoint(with: policy.cacheOnlyTags) }) {
            guard request.cached else {
                return .refuse(reason: "cache_miss", detail: "tier \(tier) serves heavy reads only from the cache, and this one is not cached")
            }
            adjustments.fromCacheOnly = true
        }
        if priority > 0 { adjustments.rateFactorPerMille = policy.rateFactorPerMille }
        if policy.forwardTier { adjustments.forwardTier = tier.rawValue }
        if let from = policy.sampleLogsFromPriority, priority >= from { adjustments.logged = logSample }
        return .serve(adjustments)
    }
}
