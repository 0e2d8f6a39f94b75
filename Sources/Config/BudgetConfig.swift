/// The ledger step (`budget.*`, issue 5).
public struct BudgetConfig: Sendable, Equatable {
    /// `budget.enabled`: debit every mutation in the Postgres ledger (needs `database.url`).
    /// `false` turns the ledger step off by name, which an environment listed in
    /// `require_enforcement` demands instead of a silently missing `database.url`.
    public var enabled = true
    /// `budget.fail_mode`, env `BUDGET_FAIL_MODE`: what a mutation gets when Postgres cannot
    /// answer the reservation. `closed` (default): `DEPENDENCY_UNAVAILABLE` (503). `open`:
    /// admitted unreserved, counted in `budget_enforcement_errors_total` and audited.
    public var failMode: FailMode = .closed
    /// `budget.reservation_ttl_ms`: a reservation not settled or released within this is
    /// released by the reconciler (default 5 minutes; longer than any upstream read timeout).
    public var reservationTTL: Duration = .seconds(300)
    /// `budget.statement_timeout_ms`: longest wait for the ledger's answer on the request path.
    public var statementTimeout: Duration = .seconds(2)

    public init() {}
}

/// Whether a check lets requests through when its dependency is down.
public enum FailMode: String, Sendable, Equatable, CaseIterable {
    case closed, open
}

/// The background workers inside `serve` (`workers.*`, issue 5): one replica works at a
/// time, chosen by a Postgres advisory lock.
public struct WorkersConfig: Sendable, Equatable {
    /// `workers.enabled`: run the reconcile and canary-escalation workers in this process.
    public var enabled = true
    /// `workers.reconcile_interval_ms`: how often stale reservations are released and the
    /// daily rollup refreshed (default 60 s).
    public var reconcileInterval: Duration = .seconds(60)
    /// `workers.escalation_interval_ms`: how often canary tenants are checked for escalation
    /// (default 1 h).
    public var escalationInterval: Duration = .seconds(3_600)

    public init() {}
}
