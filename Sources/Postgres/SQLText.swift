/// SQL fragments every store shares.
public enum SQLText {
    /// A `timestamptz` as RFC 3339 UTC with microseconds (`2026-01-31T23:59:59.123456Z`):
    /// formatted by Postgres, so no precision is lost on the way.
    public static func utc(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    }
}
