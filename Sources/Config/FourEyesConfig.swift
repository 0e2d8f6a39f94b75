/// The four-eyes step (`four_eyes.*`, issue 7).
public struct FourEyesConfig: Sendable, Equatable {
    /// `four_eyes.enabled`: check mutations against the approval policy. Off only for a
    /// deployment that runs no risky mutations; the step needs Postgres for its requests.
    public var enabled = true
    /// `four_eyes.approval_ttl_ms`: how long a request may wait for its two approvals and
    /// then for its single use (default 1 hour).
    public var approvalTTL: Duration = .seconds(3_600)
    /// `four_eyes.fail_mode`: a mutation that needs approval when the approval store
    /// (Postgres) cannot answer: `closed` (default) → 503; `open` → admitted and logged.
    public var failMode: FailMode = .closed

    public init() {}
}

/// An external OPA deciding the four-eyes policy instead of the in-process rules (`opa.*`).
public struct OPAConfig: Sendable, Equatable {
    /// `opa.url` (env `OPA_URL`): OPA's base URL; its REST data API is asked at
    /// `<url>/v1/data/approval`. Unset: the in-process rules decide (the same policy).
    public var url: String?
    /// `opa.timeout_ms`: the longest wait for one decision (default 100 ms).
    public var timeout: Duration = .milliseconds(100)
    /// `opa.fail_mode`: OPA unreachable or too slow: `closed` (default) → 503; `open` → the
    /// in-process rules decide (the same policy, so open never skips four-eyes).
    public var failMode: FailMode = .closed

    public init() {}
}
