/// `chaos.*` (issue 18, SPEC §13): the limits of injected faults.
public struct ChaosConfig: Sendable, Equatable {
    /// `chaos.allow_in_production`: faults are refused when `environment` is `production` unless true.
    public var allowInProduction = false
    /// `chaos.max_delay_ms`: the longest delay a fault may inject.
    public var maxDelayMillis = 10_000
    /// `chaos.max_ttl_minutes`: the longest a fault may last (every fault expires by itself).
    public var maxTTLMinutes = 60

    public init() {}
}
