/// `downshift.*` (issue 17, SPEC §12): the cost downshift ladder's limits, its automatic
/// triggers from money burn, its synthetic checks, and per-tier overrides of the effects.
public struct DownshiftConfig: Sendable, Equatable {
    /// `downshift.enabled`: false leaves the ladder (and the response cache) out of the chain.
    public var enabled = true
    /// `downshift.max_ttl_minutes`: the longest a manual tier may be set for.
    public var maxTTLMinutes = 1_440
    /// `downshift.max_tokens`: from tier 2, `llm` mutations estimated above this are refused.
    public var maxTokens = 4_000
    /// `downshift.retry_after_seconds`: the `Retry-After` of a `DOWNSHIFTED` refusal.
    public var retryAfterSeconds = 60
    /// `downshift.poll_ms`: how often a replica reads the tier from Postgres (Redis tells it at once).
    public var poll: Duration = .seconds(1)
    /// `downshift.auto.enabled`: switch tiers on money burn (`finops.budgets`).
    public var autoEnabled = true
    /// `downshift.max_auto_tier`: the highest tier the burn may choose by itself.
    public var maxAutoTier = 4
    /// `downshift.auto.thresholds`: `PERCENT:TIER` steps (seed: 75 → 1, 85 → 2, 95 → 3, 100 → 4).
    public var thresholds: [String] = ["75:1", "85:2", "95:3", "100:4"]
    /// `downshift.auto.margin_percent`: how far below a tier's threshold the burn must fall to leave it.
    public var marginPercent = 5
    /// `downshift.auto.hold`: how long it must stay there first.
    public var hold: Duration = .seconds(600)
    /// `downshift.auto.interval_ms`: how often the burn is read.
    public var interval: Duration = .seconds(60)
    /// `downshift.auto.projection_after`: the month's projected burn counts from this far in.
    public var projectionAfter: Duration = .seconds(72 * 3_600)
    /// `downshift.auto.use_projection`: false acts on the month-to-date burn only.
    public var useProjection = true
    /// `downshift.synthetic_tenant`: the tenant the synthetic checks run as (a marked
    /// ledger account, `tenant_budget.synthetic`).
    public var syntheticTenant = "safemut-synthetic"
    /// `downshift.synthetic_interval_ms`: how often the checks run (and after each tier change).
    public var syntheticInterval: Duration = .seconds(60)
    /// `downshift.synthetic.<name>.query`: the GraphQL documents of the seed's journey.
    public var synthetic: [String: SyntheticCheckConfig] = [:]
    /// `downshift.cache.enabled`: the response cache for `@cacheable` queries (every tier;
    /// tier 3 serves `heavy_read` only from it).
    public var cacheEnabled = true
    /// `downshift.cache.max_bytes`, `.max_entries`, `.max_entry_bytes`: its bounds.
    public var cacheMaxBytes = 64 << 20
    public var cacheMaxEntries = 10_000
    public var cacheMaxEntryBytes = 1 << 20
    /// `downshift.tiers.<1-6>.*`: what a tier adds to the seed's effects.
    public var tiers: [String: TierOverride] = [:]

    public init() {}
}

/// One `downshift.synthetic.<name>` check.
public struct SyntheticCheckConfig: Sendable, Equatable {
    public var query: String?
    /// 0–3 (P0–P3, default 0): a failing P0 check alerts and stops automatic escalation;
    /// a lower-priority check refused at a tier that sheds it is expected.
    public var priority: Int?

    public init(query: String? = nil, priority: Int? = nil) {
        self.query = query
        self.priority = priority
    }
}

/// One `downshift.tiers.<n>` entry: unset fields keep the seed's effect.
public struct TierOverride: Sendable, Equatable {
    public var refuseTags: [String]?
    public var cacheOnlyTags: [String]?
    /// 0–3: the lowest priority (P0–P3) still served.
    public var lowestPriority: Int?
    /// Per mille: 500 is × 0.5.
    public var rateFactorPerMille: Int?
    public var maxHops: Int?

    public init() {}
}

/// `finops.budgets.<name>.source` and `.query`: where a budget's spend comes from.
extension FinOpsBudget {
    public enum Source: String, Sendable, Equatable, CaseIterable {
        /// The ledger's month-to-date spend (LLM cost: what the API reported per mutation).
        case ledger
        /// A Prometheus query answering US dollars this month (infrastructure cost).
        case prometheus
    }
}

extension ValueCodec where Value == FinOpsBudget.Source {
    static var budgetSource: Self {
        Self(
            expected: "ledger or prometheus",
            parse: { FinOpsBudget.Source(rawValue: $0) },
            render: { $0.rawValue })
    }
}

extension ValueCodec where Value == [String] {
    /// `PERCENT:TIER` items, percents increasing, tiers 1–6.
    static var thresholdList: Self {
        Self(
            expected: "a list of PERCENT:TIER steps such as [\"75:1\", \"85:2\", \"95:3\", \"100:4\"]",
            parse: { text in
                var out: [String] = []
                var last = -1
                for item in text.split(separator: ",").map({ String($0).trimmingSpaces() }) where !item.isEmpty {
                    let parts = item.split(separator: ":").map(String.init)
                    guard parts.count == 2, let percent = parseInteger(parts[0]), (1...1_000).contains(percent), percent > last,
                          let tier = parseInteger(parts[1]), (1...6).contains(tier)
                    else { return nil }
                    last = percent
                    out.append(item)
                }
                return out
            },
            render: { $0.joined(separator: ",") })
    }
}
