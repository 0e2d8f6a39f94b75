import Contract

/// The debit step's port: reserve a mutation's estimate against its tenant's budgets,
/// finish the reservation once the request ended, and count a denial. `Ledger` (Postgres)
/// implements it, with its deadline, its backlog shedding and `budget.fail_mode`.
public protocol ReservationStore: Sendable {
    func reserve(_ request: ReservationRequest) async -> ReservationAttempt
    /// Settles or releases off the request path; never loses the finish.
    func finish(_ reservation: Reservation, _ finish: Finish)
    /// Counts (and in a storm audits) a refusal for `reason`: `daily`, `monthly`, `unknown_tenant`.
    func denied(tenant: String, reason: String, requestID: String)
}

/// What a reservation attempt came to.
public enum ReservationAttempt: Sendable {
    /// The ledger answered.
    case answered(ReservationOutcome)
    /// The ledger could not answer and `budget.fail_mode` is `closed`: the refusal to send.
    case unavailable(Rejection)
    /// The ledger could not answer and `budget.fail_mode` is `open`: admit, unreserved
    /// (the store counted, logged and audited it).
    case admittedUnreserved
}

extension ReservationOutcome {
    /// The `tenant` label of denials for tenants without a budget (not a valid tenant id, so
    /// it cannot collide with one): one value for every unknown `X-Tenant` keeps the
    /// denial series bounded by real tenants.
    public static let unknownTenantLabel = "(unknown)"
}
