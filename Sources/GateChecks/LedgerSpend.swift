import Kit
import Postgres

/// This month's spend from the ledger's running totals (`tenant_budget`: settled spend plus
/// open reservations of the current UTC month, the figure enforcement charges against),
/// exact in micro-dollars. The synthetic checks' marked account is left out.
public enum LedgerSpend {
    public static func monthToDate(pool: PostgresPool, monthStartDay: String) async throws(PostgresError) -> Int64 {
        let row = try await pool.query("""
            SELECT coalesce(sum(CASE WHEN counter_month = $1::date THEN monthly_spent_usd + monthly_reserved_usd ELSE 0 END), 0)::numeric(20,6)::text AS spent
            FROM tenant_budget WHERE NOT synthetic
            """, [.text(monthStartDay)]).single()
        let text = try row["spent"].string()
        switch DecimalText.millionths(text) {
        case .success(let micros): return micros
        case .failure: throw PostgresError(.decoding, message: "the ledger's month spend '\(text)' is not a dollar amount")
        }
    }
}
