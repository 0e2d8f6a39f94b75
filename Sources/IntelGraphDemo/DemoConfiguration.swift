import Foundation

/// Knobs of the demo server; every default suits the runbooks' demo.
public struct DemoConfiguration: Sendable {
    /// How actual costs are derived (see `CostModel`).
    public var costModel: CostModel
    /// Added before every answer, to make the upstream as slow as a real one
    /// in benchmarks; `X-Demo-Delay-Ms` adds to it per request.
    public var baseDelay: Duration
    /// `entities(limit:)` never returns more than this many records.
    public var maxListLimit: Int
    /// Entities created at start, per tenant (e.g. `["demo": 10_000]` for
    /// large responses in benchmarks). At most `maxSeedPerTenant` each.
    public var seedEntities: [String: Int]
    /// The tenant of a request without `X-Tenant`.
    public var defaultTenant: String
    /// The time stamped on new entities; tests pass a fixed clock.
    public var clock: @Sendable () -> Date

    /// Upper bound of `X-Demo-Delay-Ms`, so a test hook cannot park a
    /// connection for long.
    public static let maxHookDelayMilliseconds = 30_000
    /// Upper bound of `X-Demo-Cost-Multiplier`.
    public static let maxCostMultiplier = MicroUSD(micros: 1_000 * MicroUSD.scale)
    public static let maxSeedPerTenant = 1_000_000

    public init(
        costModel: CostModel = .default,
        baseDelay: Duration = .zero,
        maxListLimit: Int = 1_000,
        seedEntities: [String: Int] = [:],
        defaultTenant: String = "demo",
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.costModel = costModel
        self.baseDelay = baseDelay
        self.maxListLimit = maxListLimit
        self.seedEntities = seedEntities
        self.defaultTenant = defaultTenant
        self.clock = clock
    }

    /// Checks every knob and names the one at fault.
    public func validate() throws(DemoSetupError) {
        guard costModel.percentOfCap >= 0 else {
            throw .invalidConfiguration(key: "costModel.percentOfCap", reason: "must not be negative")
        }
        guard baseDelay >= .zero else {
            throw .invalidConfiguration(key: "baseDelay", reason: "must not be negative")
        }
        guard maxListLimit >= 0 else {
            throw .invalidConfiguration(key: "maxListLimit", reason: "must not be negative")
        }
        guard !defaultTenant.isEmpty else {
            throw .invalidConfiguration(key: "defaultTenant", reason: "must not be empty")
        }
        for (tenant, count) in seedEntities.sorted(by: { $0.key < $1.key }) {
            guard !tenant.isEmpty, (0...Self.maxSeedPerTenant).contains(count) else {
                throw .invalidConfiguration(
                    key: "seedEntities.\(tenant)",
                    reason: "tenant must be named and count within 0...\(Self.maxSeedPerTenant)"
                )
            }
        }
    }
}
