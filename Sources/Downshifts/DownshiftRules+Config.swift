import Config
import Downshift

extension DownshiftConfig {
    /// The seed's tier table with `downshift.max_tokens` and each `downshift.tiers.<n>.*`
    /// override applied to what that tier adds.
    public var table: TierTable {
        var stepwise = [TierPolicy](repeating: TierPolicy(), count: 7)
        let seed = TierTable.seed(maxLLMTokens: Int64(maxTokens))
        // Undo the cumulation to get what each seed tier adds, then override per tier.
        for tier in DownshiftTier.allCases {
            var own = seed[tier]
            if tier.rawValue > 0 {
                let below = seed[DownshiftTier(rawValue: tier.rawValue - 1)!]
                own.refuseTags.subtract(below.refuseTags)
                own.cacheOnlyTags.subtract(below.cacheOnlyTags)
            }
            if let override = tiers[String(tier.rawValue)] {
                if let tags = override.refuseTags { own.refuseTags = Set(tags) }
                if let tags = override.cacheOnlyTags { own.cacheOnlyTags = Set(tags) }
                if let lowest = override.lowestPriority { own.lowestPriority = lowest }
                if let factor = override.rateFactorPerMille { own.rateFactorPerMille = factor }
                if let hops = override.maxHops { own.maxHops = Int64(hops) }
            }
            stepwise[tier.rawValue] = own
        }
        return TierTable(stepwise: stepwise)
    }

    /// The automatic ladder: `downshift.auto.*` and `downshift.max_auto_tier`.
    public var autoRule: AutoTierRule {
        let steps = thresholds.compactMap { item -> AutoTierRule.Step? in
            let parts = item.split(separator: ":")
            guard parts.count == 2, let percent = Int64(parts[0]), let tier = Int(parts[1]), let level = DownshiftTier(rawValue: tier) else { return nil }
            return AutoTierRule.Step(perMille: percent * 10, tier: level)
        }
        return AutoTierRule(
            steps: steps, marginPerMille: Int64(marginPercent) * 10, holdSeconds: hold.components.seconds,
            maxAutoTier: DownshiftTier(rawValue: maxAutoTier) ?? .degrade,
            projectionAfterSeconds: useProjection ? projectionAfter.components.seconds : .max)
    }
}
