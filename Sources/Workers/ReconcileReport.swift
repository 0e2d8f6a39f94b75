/// What one reconcile pass did.
public struct ReconcileReport: Sendable, Equatable {
    /// One tenant's reconciliation.
    public struct Tenant: Sendable, Equatable {
        public var tenant: String
        /// Reservations past their `expires_at` that this pass settled at their estimate
        /// (`settled_by = 'reconciler'`: they may have reached the upstream).
        public var expired: Int
        /// Their estimates, now counted as spent instead of reserved.
        public var expiredMicros: Int64
        /// The `budget_daily` rollups rewritten (today, yesterday, and any older day that
        /// had a stale reservation), oldest first.
        public var days: [DayRollup]
    }

    /// One `budget_daily` row after `reconcile_daily_budget`.
    public struct DayRollup: Sendable, Equatable {
        /// `YYYY-MM-DD` (UTC).
        public var day: String
        public var spentMicros: Int64
        public var reservedMicros: Int64
        public var dailyLimitMicros: Int64
        public var requests: Int64
        /// Reservations of the day the reconciler closed (settled at their estimate).
        public var expiredTotal: Int64
    }

    /// A tenant whose reconciliation failed (the others still ran).
    public struct Failure: Sendable, Equatable {
        public var tenant: String
        public var error: String
    }

    /// The database's UTC day when the pass ran (`YYYY-MM-DD`).
    public var today: String
    public var tenants: [Tenant]
    public var failures: [Failure]

    /// Stale reservations settled at their estimate by this pass, all tenants.
    public var expired: Int { tenants.reduce(0) { $0 + $1.expired } }
    public var succeeded: Bool { failures.isEmpty }
}
