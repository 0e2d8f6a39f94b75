import Kit
import Postgres

/// Reads the `budget_ledger` rows the RPO is measured on: the source's and the restore's rows
/// created at or before the loss, in a window that stays small however big the ledger is.
enum LedgerComparison {
    /// How far before the restore's newest row to look for lost ones. A PITR restore holds
    /// every transaction committed before its end, so a row it lacks was created after its
    /// newest row, or by a transaction still open then; 60 s covers the ledger's short ones.
    static let windowMicros: Int64 = 60 * 1_000_000

    /// Compares source and restore as of `lossMicros` (source clock); fills `rows` and
    /// returns the measurement.
    static func measure(
        source: PostgresPool, restore: PostgresPool, lossMicros: Int64, rows: inout DrillReport.Rows
    ) async throws(DrillError) -> RecoveryPoint {
        let loss = PostgresValue.text(RFC3339.format(micros: lossMicros))
        let restored: (count: Int64, newest: Int64?)
        do {
            let row = try await restore.query(
                "SELECT count(*) AS n, max(created_at) AS newest FROM budget_ledger WHERE created_at <= $1::timestamptz", [loss]).single()
            restored = (try row["n"].int64(), try row["newest"].nonNull?.timestampMicros())
        } catch {
            throw DrillError(step: "rows", code: .restoreQueryFailed, message: "reading budget_ledger on the restore failed: \(error)")
        }
        let lower: PostgresValue? = restored.newest.map { .text(RFC3339.format(micros: $0 - windowMicros)) }
        let window = """
            SELECT tenant_id || '/' || id::text AS key, created_at FROM budget_ledger
            WHERE created_at <= $1::timestamptz AND ($2::timestamptz IS NULL OR created_at > $2::timestamptz)
            """
        var sourceRows: [RecoveryPoint.Row] = []
        do {
            rows.beforeLoss = try await source.query(
                "SELECT count(*) FROM budget_ledger WHERE created_at <= $1::timestamptz", [loss]).single()[0].int64()
            for row in try await source.query(window, [loss, lower]) {
                sourceRows.append(RecoveryPoint.Row(key: try row["key"].string(), createdAtMicros: try row["created_at"].timestampMicros()))
            }
        } catch {
            throw DrillError(step: "rows", code: .sourceFailed, message: "reading budget_ledger on the source failed: \(error)")
        }
        var restoredKeys = Set<String>()
        do {
            for row in try await restore.query(window, [loss, lower]) {
                restoredKeys.insert(try row["key"].string())
            }
        } catch {
            throw DrillError(step: "rows", code: .restoreQueryFailed, message: "reading budget_ledger on the restore failed: \(error)")
        }
        let point = RecoveryPoint.measure(lossMicros: lossMicros, source: sourceRows, restoredKeys: restoredKeys)
        rows.restored = restored.count
        rows.lost = Int64(point.lost)
        rows.oldestLostMicros = point.oldestLostMicros
        return point
    }
}
