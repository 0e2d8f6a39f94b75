import Kit

/// One audit record to append: what happened, who did it, for which tenant, and the
/// details an auditor needs (snake_case JSON). The chain (seq, prev_hash, hash) is computed
/// by the database trigger of `db/migrations/0003_audit_log.sql`.
public struct AuditEntry: Sendable, Equatable {
    /// Dotted, stable name: `budget.limits.set`, `budget.override.create`, `pq.phase.set`…
    public var action: String
    /// The user id, or `local-operator`, or a worker name (`worker.reconcile`).
    public var actor: String
    public var tenant: String?
    /// `X-Request-Id` of the call that caused it.
    public var correlationID: String?
    public var reason: String?
    /// A JSON object.
    public var details: JSONValue

    public init(
        action: String, actor: String, tenant: String? = nil, correlationID: String? = nil, reason: String? = nil,
        details: JSONValue = .object([])
    ) {
        self.action = action
        self.actor = actor
        self.tenant = tenant
        self.correlationID = correlationID
        self.reason = reason
        self.details = details
    }
}
