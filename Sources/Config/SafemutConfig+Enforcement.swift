/// Safe by default: in an environment listed in `require_enforcement` (default
/// `production`), a gateway must not start with a money or approval check silently missing
/// because a dependency was left unconfigured. Each check is either configured or turned
/// off by name; anything else is a start-up error naming the keys.
extension SafemutConfig {
    /// One check the environment requires that this configuration neither provides nor
    /// turns off explicitly.
    public struct EnforcementGap: Sendable, Equatable, CustomStringConvertible {
        /// The admission step (`debit`, `four_eyes`, `rate`).
        public let step: String
        /// The key that would provide it.
        public let missingKey: String
        /// The key that turns it off by name.
        public let disableKey: String

        public var description: String {
            "\(step): \(missingKey) is not set (configure it, or set \(disableKey): false to run without it)"
        }
    }

    /// Whether this environment is one that demands every enforcing step.
    public var requiresEnforcement: Bool {
        requireEnforcement.contains(environment)
    }

    /// The checks missing without an explicit opt-out; empty outside `require_enforcement`.
    public func enforcementGaps() -> [EnforcementGap] {
        guard requiresEnforcement else { return [] }
        var gaps: [EnforcementGap] = []
        if budget.enabled && database.url == nil {
            gaps.append(EnforcementGap(step: "debit", missingKey: "database.url", disableKey: "budget.enabled"))
        }
        if fourEyes.enabled && database.url == nil {
            gaps.append(EnforcementGap(step: "four_eyes", missingKey: "database.url", disableKey: "four_eyes.enabled"))
        }
        if rate.enabled && redis.url == nil {
            gaps.append(EnforcementGap(step: "rate", missingKey: "redis.url", disableKey: "rate.enabled"))
        }
        return gaps
    }
}
