/// What the four-eyes rules look at for one operation (the Rego input, typed).
public struct PolicyInput: Sendable, Equatable {
    /// The caller's tenant.
    public var tenant: String
    /// The caller's user id (never allowed to approve their own request).
    public var requester: String
    /// The operation's estimate in micro-dollars.
    public var estimateMicros: Int64
    public var tokens: Int64
    /// The operation's risk tags, as the schema's `@budget(riskTags:)` declares them (exact match).
    public var riskTags: [String]
    /// The tenants the operation writes to; any other than `tenant` makes it cross-tenant.
    public var targetTenants: [String]
    /// An audited emergency override (the rollback plan's relaxed rule) is active.
    public var emergencyOverride: Bool

    public init(
        tenant: String,
        requester: String,
        estimateMicros: Int64 = 0,
        tokens: Int64 = 0,
        riskTags: [String] = [],
        targetTenants: [String] = [],
        emergencyOverride: Bool = false
    ) {
        self.tenant = tenant
        self.requester = requester
        self.estimateMicros = estimateMicros
        self.tokens = tokens
        self.riskTags = riskTags
        self.targetTenants = targetTenants
        self.emergencyOverride = emergencyOverride
    }

    /// Whether the operation writes to a tenant other than the caller's.
    public var touchesOtherTenant: Bool {
        targetTenants.contains { $0 != tenant }
    }
}
