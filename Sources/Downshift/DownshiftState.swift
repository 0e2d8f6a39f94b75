/// The ladder's shared state (one row in Postgres, broadcast like the cutover's): a manual
/// tier an operator set, which always wins while it lasts, and the automatic tier the money
/// burn chose.
public struct DownshiftState: Sendable, Equatable {
    public struct Manual: Sendable, Equatable {
        public var tier: DownshiftTier
        public var reason: String
        public var setBy: String
        public var sinceSeconds: Int64
        /// When it ends by itself: the tier below (the automatic one) applies again.
        public var expiresAtSeconds: Int64?

        public init(tier: DownshiftTier, reason: String, setBy: String, sinceSeconds: Int64, expiresAtSeconds: Int64?) {
            self.tier = tier
            self.reason = reason
            self.setBy = setBy
            self.sinceSeconds = sinceSeconds
            self.expiresAtSeconds = expiresAtSeconds
        }
    }

    public var manual: Manual?
    public var automatic: AutoTierState
    /// When the automatic tier last changed.
    public var automaticSinceSeconds: Int64

    public init(manual: Manual? = nil, automatic: AutoTierState = AutoTierState(), automaticSinceSeconds: Int64 = 0) {
        self.manual = manual
        self.automatic = automatic
        self.automaticSinceSeconds = automaticSinceSeconds
    }

    /// The manual setting still in force at `now`.
    public func activeManual(atSeconds now: Int64) -> Manual? {
        guard let manual else { return nil }
        if let end = manual.expiresAtSeconds, now >= end { return nil }
        return manual
    }

    /// The tier in force: the manual one while it lasts, else the automatic one.
    public func tier(atSeconds now: Int64) -> DownshiftTier {
        activeManual(atSeconds: now)?.tier ?? automatic.tier
    }

    /// Since when the tier in force has been in force (protect's "before the tier began").
    public func tierSinceSeconds(atSeconds now: Int64) -> Int64 {
        if let manual = activeManual(atSeconds: now) { return manual.sinceSeconds }
        if let manual, let end = manual.expiresAtSeconds, end > automaticSinceSeconds { return end }
        return automaticSinceSeconds
    }

    /// Whether the tier in force was set by hand.
    public func isManual(atSeconds now: Int64) -> Bool { activeManual(atSeconds: now) != nil }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case tierOutOfRange(Int)
        case reasonRequired
        case ttlOutOfRange(minutes: Int64, maximum: Int64)

        public var description: String {
            switch self {
            case .tierOutOfRange(let tier): "tier must be 0–6 (normal … emergency), not \(tier)"
            case .reasonRequired: "a reason is required (it goes to the audit log)"
            case .ttlOutOfRange(let minutes, let maximum): "ttl_minutes must be 1–\(maximum), not \(minutes)"
            }
        }
    }

    /// An operator sets `tier` (0 clears to normal by hand: a manual 0 also wins over the
    /// automatic tier), for `ttlMinutes` or until changed.
    public func setting(
        tier: Int, reason: String, by person: String, ttlMinutes: Int64?, maxTTLMinutes: Int64, atSeconds now: Int64
    ) -> Result<DownshiftState, Refusal> {
        guard let level = DownshiftTier(rawValue: tier) else { return .failure(.tierOutOfRange(tier)) }
        guard !reason.allSatisfy(\.isWhitespace) else { return .failure(.reasonRequired) }
        if let ttl = ttlMinutes, !(1...maxTTLMinutes).contains(ttl) { return .failure(.ttlOutOfRange(minutes: ttl, maximum: maxTTLMinutes)) }
        var next = self
        next.manual = Manual(tier: level, reason: reason, setBy: person, sinceSeconds: now, expiresAtSeconds: ttlMinutes.map { now + $0 * 60 })
        return .success(next)
    }

    /// Hands the ladder back to the money burn.
    public func returningToAutomatic() -> DownshiftState {
        var next = self
        next.manual = nil
        return next
    }
}
