import Kit
import Postgres

/// This month's spend from the ledger's running totals (`tenant_budget`: settled spend plus
/// open reservations of the current UTC month, the figure enforcement charges against),
/// exact in micro-dollars. The synthetic checks' marked account is left out.
public enum LedgerSpend {
    /// The UTC calendar month an instant falls in, as the ledger's monthly counters count it.
    public struct Month: Sendable, Equatable {
        /// Unix seconds of the month's first midnight.
        public let startSeconds: Int64
        public let lengthSeconds: Int64
        /// `YYYY-MM-01`, the `counter_month` it is stored under.
        public let startDay: String

        public init(atSeconds now: Int64) {
            let (year, month, _) = RFC3339.civilDate(daysSinceEpoch: RFC3339.floorDivide(now, 86_400).0)
            startSeconds = RFC3339.daysFromCivil(year: year, month: month, day: 1) * 86_400
            lengthSeconds = RFC3339.daysIn(month: month, year: year) * 86_400
            startDay = RFC3339.day(micros: startSeconds * 1_000_000)
        }

        /// Seconds of the month gone at `now` (at least 1, so a rate over it is defined).
        public func elapsedSeconds(atSeconds now: Int64) -> Int64 { max(1, now - startSeconds) }
    }

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
