/// Everything `GET /admin/persisted-queries` shows from the gate, read at one moment.
public struct PersistedQueryReport: Sendable, Hashable {
    /// Phase, bypass, introspection and per-tenant phases in force.
    public let policy: PersistedQueryPolicy
    /// Documents on the allowlist.
    public let allowlistCount: Int
    /// Newest first, at most the gate's violation capacity.
    public let recentViolations: [RecordedViolation]
    public let counters: PersistedQueryCounters
}

extension PersistedQueryGate {
    /// The state for the admin API (pair it with `AllowlistStore.status` for the store's health).
    public func report() -> PersistedQueryReport {
        PersistedQueryReport(policy: policy, allowlistCount: allowlistCount, recentViolations: recentViolations(), counters: counters)
    }
}
