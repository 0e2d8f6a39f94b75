import Postgres

/// SQL fragments shared by the budget statements.
extension SQLText {
    /// Today's UTC date and the first day of this UTC month: the windows of the counters.
    static let today = "(now() AT TIME ZONE 'UTC')::date"
    static let monthStart = "date_trunc('month', now() AT TIME ZONE 'UTC')::date"

    /// The multiplier the ledger's reservation applies to `tenant_id` right now: the same
    /// predicate as its `SELECT coalesce(max(budget_multiplier), 1) … status = 'active' AND
    /// expires_at > now()`, so what the admin API reports is what admission enforces, and an
    /// override stops counting at its expiry without any job flipping its status.
    static func activeMultiplier(tenantColumn: String) -> String {
        """
        coalesce((SELECT max(o.budget_multiplier) FROM budget_overrides o
                  WHERE o.tenant_id = \(tenantColumn) AND o.status = 'active' AND o.expires_at > now()), 1)
        """
    }
}
