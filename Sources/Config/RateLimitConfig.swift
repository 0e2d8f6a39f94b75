/// The rate-limit step (`rate.*`, issue 7): token buckets in Redis, one per tenant and one
/// per tenant and mutation root field. Every key here changes live on SIGHUP.
public struct RateLimitConfig: Sendable, Equatable {
    /// `rate.enabled`: check mutations against the buckets (needs `redis.url`).
    public var enabled = true
    /// `rate.fail_mode`, env `RATE_FAIL_MODE`: what a mutation gets when Redis cannot answer
    /// within `rate.timeout_ms` (down, slow, breaker open). `open` (default): admitted and
    /// counted. A rate limit protects the upstream from bursts, not money (the ledger's
    /// `budget.fail_mode` guards spend and stays closed), so losing Redis should not take
    /// every write down with it. `closed`: `DEPENDENCY_UNAVAILABLE` (503) at once.
    public var failMode: FailMode = .open
    /// `rate.timeout_ms`: longest wait for the bucket script on the request path.
    public var timeout: Duration = .milliseconds(50)
    /// `rate.classes.default.*`: every tenant not listed in `rate.canary_tenants`.
    public var defaultClass = RateClassLimits(
        tenantPerSecond: TokenRate(wholePerSecond: 100), tenantBurst: 200,
        operationPerSecond: TokenRate(wholePerSecond: 20), operationBurst: 40)
    /// `rate.classes.canary.*`: lower, so a canary's mistakes stay small.
    public var canaryClass = RateClassLimits(
        tenantPerSecond: TokenRate(wholePerSecond: 10), tenantBurst: 20,
        operationPerSecond: TokenRate(wholePerSecond: 2), operationBurst: 5)
    /// `rate.canary_tenants`: the tenants in the canary class (the seeds' canaries by default).
    public var canaryTenants: [String] = ["test", "demo", "maestro-internal"]
    /// `rate.tenants.<tenant>.*`: per-tenant overrides of single limits on top of the class.
    public var tenants: [String: RateLimitOverride] = [:]

    public init() {}

    /// The limits in force for `tenant`: its class, then its overrides.
    public func limits(for tenant: String) -> RateClassLimits {
        var limits = canaryTenants.contains(tenant) ? canaryClass : defaultClass
        if let override = tenants[tenant] { override.apply(to: &limits) }
        return limits
    }
}

/// One class's four numbers: a tenant bucket and a per-operation bucket, each a refill rate
/// and a capacity (the burst).
public struct RateClassLimits: Sendable, Equatable {
    public var tenantPerSecond: TokenRate
    /// Whole tokens the tenant bucket holds when full.
    public var tenantBurst: Int
    public var operationPerSecond: TokenRate
    public var operationBurst: Int

    public init(tenantPerSecond: TokenRate, tenantBurst: Int, operationPerSecond: TokenRate, operationBurst: Int) {
        self.tenantPerSecond = tenantPerSecond
        self.tenantBurst = tenantBurst
        self.operationPerSecond = operationPerSecond
        self.operationBurst = operationBurst
    }
}

/// `rate.tenants.<tenant>.*`: the limits a tenant sets for itself; unset ones come from its class.
public struct RateLimitOverride: Sendable, Equatable {
    public var tenantPerSecond: TokenRate?
    public var tenantBurst: Int?
    public var operationPerSecond: TokenRate?
    public var operationBurst: Int?

    public init(tenantPerSecond: TokenRate? = nil, tenantBurst: Int? = nil, operationPerSecond: TokenRate? = nil, operationBurst: Int? = nil) {
        self.tenantPerSecond = tenantPerSecond
        self.tenantBurst = tenantBurst
        self.operationPerSecond = operationPerSecond
        self.operationBurst = operationBurst
    }

    func apply(to limits: inout RateClassLimits) {
        if let tenantPerSecond { limits.tenantPerSecond = tenantPerSecond }
        if let tenantBurst { limits.tenantBurst = tenantBurst }
        if let operationPerSecond { limits.operationPerSecond = operationPerSecond }
        if let operationBurst { limits.operationBurst = operationBurst }
    }
}

/// A refill rate in micro-tokens per second, exact: `0.5` per second is 500,000. Integers
/// keep the bucket arithmetic free of float drift.
public struct TokenRate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let microsPerToken: Int64 = 1_000_000
    /// The accepted range: one token in ~11.6 days up to a million a second.
    public static let range: ClosedRange<Int64> = 1...1_000_000 * microsPerToken

    public let microsPerSecond: Int64

    public init(microsPerSecond: Int64) {
        self.microsPerSecond = microsPerSecond
    }

    public init(wholePerSecond: Int64) {
        self.microsPerSecond = wholePerSecond * Self.microsPerToken
    }

    /// `"2"`, `"0.5"`, `"1_000"`: digits with at most six decimals, within `range`; else nil.
    public init?(parsing text: String) {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parseInteger(String(parts[0])) else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 6, let value = parseDecimal(digits) else { return nil }
            fraction = Int64(value) * Self.scale(6 - digits.count)
        }
        let (scaled, overflow) = Int64(whole).multipliedReportingOverflow(by: Self.microsPerToken)
        guard !overflow, Self.range.contains(scaled + fraction) else { return nil }
        self.microsPerSecond = scaled + fraction
    }

    private static func scale(_ digits: Int) -> Int64 {
        (0..<digits).reduce(1) { value, _ in value * 10 }
    }

    /// Whole tokens per second (the integer part).
    public var whole: Int64 { microsPerSecond / Self.microsPerToken }
    /// The fraction of a token per second, in micro-tokens (0…999,999).
    public var fraction: Int64 { microsPerSecond % Self.microsPerToken }

    /// `"2"`, `"0.5"`: the shortest exact decimal.
    public var description: String {
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    public static func < (lhs: TokenRate, rhs: TokenRate) -> Bool { lhs.microsPerSecond < rhs.microsPerSecond }
}
