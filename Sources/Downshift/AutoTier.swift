/// One `finops.budgets` entry's burn this month, exact: spent and limit in micro-dollars.
public struct BudgetBurn: Sendable, Equatable {
    public var name: String
    public var spentMicros: Int64
    public var limitMicros: Int64
    /// Seconds of the month gone, and the month's length, for the projection.
    public var elapsedSeconds: Int64
    public var monthSeconds: Int64

    public init(name: String, spentMicros: Int64, limitMicros: Int64, elapsedSeconds: Int64, monthSeconds: Int64) {
        self.name = name
        self.spentMicros = spentMicros
        self.limitMicros = limitMicros
        self.elapsedSeconds = elapsedSeconds
        self.monthSeconds = monthSeconds
    }

    /// Spent ÷ limit, per mille (truncated).
    public var actualPerMille: Int64 {
        limitMicros > 0 ? Int64((Int128(spentMicros) * 1_000) / Int128(limitMicros)) : 0
    }

    /// The month's end at this pace ÷ limit, per mille: spent × month ÷ elapsed.
    public var projectedPerMille: Int64 {
        guard limitMicros > 0, elapsedSeconds > 0 else { return actualPerMille }
        return Int64((Int128(spentMicros) * Int128(monthSeconds) * 1_000) / (Int128(elapsedSeconds) * Int128(limitMicros)))
    }

    /// What the ladder acts on: the actual burn, or the projection once enough of the month
    /// has gone that a pace means something (a busy first hour is not a month's spend).
    public func effectivePerMille(projectionAfterSeconds: Int64) -> Int64 {
        elapsedSeconds >= projectionAfterSeconds ? max(actualPerMille, projectedPerMille) : actualPerMille
    }
}

/// The automatic ladder (SPEC §12): money burn thresholds mapped to tiers, raised at once,
/// left only when the burn stays a margin below the tier's threshold for a hold time, and
/// never above `maxAutoTier`; a failing P0 synthetic check stops escalation.
public struct AutoTierRule: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var perMille: Int64
        public var tier: DownshiftTier

        public init(perMille: Int64, tier: DownshiftTier) {
            self.perMille = perMille
            self.tier = tier
        }
    }

    /// Ascending thresholds (seed 003/004: 75 %, 85 %, 95 %, 100 %).
    public var steps: [Step]
    /// Per mille below a tier's threshold the burn must fall to leave it (hysteresis).
    public var marginPerMille: Int64
    /// How long the burn must stay below that before the tier is left.
    public var holdSeconds: Int64
    public var maxAutoTier: DownshiftTier
    /// The projection counts from this far into the month.
    public var projectionAfterSeconds: Int64

    public init(
        steps: [Step] = AutoTierRule.seedSteps, marginPerMille: Int64 = 50, holdSeconds: Int64 = 600,
        maxAutoTier: DownshiftTier = .degrade, projectionAfterSeconds: Int64 = 3 * 86_400
    ) {
        self.steps = steps.sorted { $0.perMille < $1.perMille }
        self.marginPerMille = marginPerMille
        self.holdSeconds = holdSeconds
        self.maxAutoTier = maxAutoTier
        self.projectionAfterSeconds = projectionAfterSeconds
    }

    public static let seedSteps = [
        Step(perMille: 750, tier: .observe), Step(perMille: 850, tier: .throttle),
        Step(perMille: 950, tier: .shed), Step(perMille: 1_000, tier: .degrade),
    ]

    /// The tier a burn asks for (capped), and with `margin` subtracted from each threshold.
    func tier(for burn: Int64, margin: Int64 = 0) -> DownshiftTier {
        var tier = DownshiftTier.normal
        for step in steps where burn >= step.perMille - margin { tier = max(tier, step.tier) }
        return min(tier, maxAutoTier)
    }
}

/// The automatic tier and since when the burn has been low enough to leave it.
public struct AutoTierState: Sendable, Equatable {
    public var tier: DownshiftTier
    public var lowSinceSeconds: Int64?
    public var reason: String

    public init(tier: DownshiftTier = .normal, lowSinceSeconds: Int64? = nil, reason: String = "") {
        self.tier = tier
        self.lowSinceSeconds = lowSinceSeconds
        self.reason = reason
    }

    /// The next state for the worst budget's burn (per mille; nil when a source could not
    /// be read: the tier holds, it neither rises nor falls on missing data).
    public func next(burn: Int64?, budget: String, rule: AutoTierRule, escalationAllowed: Bool, atSeconds now: Int64) -> AutoTierState {
        guard let burn else {
            var held = self
            held.lowSinceSeconds = nil
            held.reason = "budget \(budget) unreadable: holding tier \(tier)"
            return held
        }
        let asked = rule.tier(for: burn)
        let percent = "\(burn / 10).\(burn % 10) %"
        if asked > tier {
            guard escalationAllowed else {
                return AutoTierState(tier: tier, lowSinceSeconds: nil, reason: "\(budget) at \(percent) asks for tier \(asked), held: a P0 synthetic check is failing")
            }
            return AutoTierState(tier: asked, lowSinceSeconds: nil, reason: "\(budget) at \(percent) of its budget")
        }
        let keep = rule.tier(for: burn, margin: rule.marginPerMille)
        guard keep < tier else {
            return AutoTierState(tier: tier, lowSinceSeconds: nil, reason: "\(budget) at \(percent) keeps tier \(tier)")
        }
        let since = lowSinceSeconds ?? now
        if now - since >= rule.holdSeconds {
            return AutoTierState(tier: keep, lowSinceSeconds: nil, reason: "\(budget) below \(tier)'s threshold by the margin for \(now - since) s: down to \(keep)")
        }
        return AutoTierState(tier: tier, lowSinceSeconds: since, reason: "\(budget) at \(percent): leaving tier \(tier) after the hold (\(rule.holdSeconds - (now - since)) s left)")
    }
}
