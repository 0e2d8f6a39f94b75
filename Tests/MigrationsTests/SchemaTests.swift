import Foundation
import Testing
import TestSupport
import Postgres
@testable import Migrations

/// The migrated schema against the runbooks' SQL and the audit chain rules.
@Suite("Schema")
struct SchemaTests {
    func migrated() async throws -> (PostgresPool, String) {
        let (pool, url) = try await freshPool()
        try await Migrator(pool: pool, directory: repositoryMigrations).migrate()
        return (pool, url)
    }

    /// Copied verbatim from the rollback plan and the rollout guide (seeds 000 and 002).
    static let runbookSQL = """
           -- Temporarily raise canary limits by 20%
           UPDATE budget_limits
           SET daily_usd_limit = daily_usd_limit * 1.2,
               monthly_usd_limit = monthly_usd_limit * 1.2
           WHERE tenant_id IN ('demo', 'test', 'maestro-internal')
             AND environment = 'canary';

           -- Log the change
           INSERT INTO audit_log (action, details, reason, created_by)
           VALUES ('budget_adjustment',
                   jsonb_build_object('multiplier', 1.2, 'tenants', ARRAY['demo','test','maestro-internal']),
                   'Emergency rollback - temporary budget increase',
                   'system');

           -- Recalculate daily spend for affected tenants
           SELECT reconcile_daily_budget('demo', CURRENT_DATE);
           SELECT reconcile_daily_budget('test', CURRENT_DATE);
           SELECT reconcile_daily_budget('maestro-internal', CURRENT_DATE);

           -- Verify reconciliation results
           SELECT tenant_id, daily_spent_usd, daily_limit_usd,
                  (daily_spent_usd / daily_limit_usd) as utilization_pct
           FROM budget_status
           WHERE date_calculated = CURRENT_DATE
             AND tenant_id IN ('demo', 'test', 'maestro-internal');

        SELECT tenant_id, daily_usd_limit, canary FROM tenant_budget WHERE canary = TRUE;

             SELECT * FROM budget_ledger
             WHERE tenant_id = 'TENANT'
             AND created_at > NOW() - INTERVAL '1 hour'
             ORDER BY created_at DESC;
        """

    @Test func runbookSQLRunsVerbatimWithPsql() async throws {
        let (pool, url) = try await migrated()
        defer { pool.close() }
        let server = try await offPool { try DataServers.sharedPostgres() }
        let output = try await offPool {
            try DataCommand.check(server.binDirectory + "/psql", ["-X", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", Self.runbookSQL])
        }
        #expect(output.contains("UPDATE 3"))
        #expect(output.contains("INSERT 0 1"))
        let limits = try await pool.query("SELECT daily_usd_limit, monthly_usd_limit FROM budget_limits WHERE environment = 'canary'")
        #expect(limits.count == 3)
        for row in limits {
            #expect(try row["daily_usd_limit"].micros() == 30_000_000)
            #expect(try row["monthly_usd_limit"].micros() == 900_000_000)
        }
        let status = try await pool.query(
            "SELECT tenant_id, daily_spent_usd, daily_limit_usd FROM budget_status WHERE date_calculated = CURRENT_DATE ORDER BY tenant_id"
        )
        #expect(try status.map { try $0["tenant_id"].string() } == ["demo", "maestro-internal", "test"])
        let audit = try await pool.query("SELECT action, details, created_by FROM audit_log").single()
        #expect(try audit["action"].string() == "budget_adjustment")
        #expect(try audit["created_by"].string() == "system")
        #expect(try await pool.query("SELECT audit_log_verify() IS NULL AS ok").single()["ok"].bool())
    }

    @Test func psqlStyleAuditInsertIsChainedAndChangesAreRefused() async throws {
        let (pool, _) = try await migrated()
        defer { pool.close() }
        for action in ["first", "second", "third"] {
            try await pool.withConnection { session in
                try await session.executeScript(
                    "INSERT INTO audit_log (action, details, reason, created_by) VALUES ('\(action)', '{\"k\": 1}', 'because', 'ops')"
                )
            }
        }
        let rows = try await pool.query("SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq")
        #expect(try rows.map { try $0["seq"].int() } == [1, 2, 3])
        for (previous, next) in zip(rows, rows.dropFirst()) {
            #expect(try next["prev_hash"].byteArray() == previous["hash"].byteArray())
            #expect(try next["hash"].byteArray().count == 32)
        }
        #expect(try await pool.query("SELECT audit_log_verify() IS NULL AS ok").single()["ok"].bool())

        let update = await #expect(throws: PostgresError.self) {
            _ = try await pool.query("UPDATE audit_log SET reason = $1 WHERE seq = 2", ["tampered"])
        }
        #expect(update?.kind == .raisedException)
        #expect(update?.message.contains("append-only") == true)
        let delete = await #expect(throws: PostgresError.self) { _ = try await pool.query("DELETE FROM audit_log WHERE seq = 3") }
        #expect(delete?.kind == .raisedException)
        let truncate = await #expect(throws: PostgresError.self) { _ = try await pool.query("TRUNCATE audit_log") }
        #expect(truncate?.kind == .raisedException)
        #expect(try await pool.query("SELECT count(*) AS c FROM audit_log").single()["c"].int() == 3)
    }

    @Test func tamperingIsFoundByVerify() async throws {
        let (pool, _) = try await migrated()
        defer { pool.close() }
        for action in ["a", "b", "c"] {
            _ = try await pool.query("INSERT INTO audit_log (action, created_by) VALUES ($1, 'ops')", [.text(action)])
        }
        // A superuser who disables the guard and edits row 2 is caught by the chain.
        try await pool.withConnection { session in
            try await session.executeScript("""
                ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
                UPDATE audit_log SET reason = 'edited' WHERE seq = 2;
                ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
                """)
        }
        #expect(try await pool.query("SELECT audit_log_verify() AS bad").single()["bad"].int() == 2)
    }

    @Test func reconcileSumsLedgerExactly() async throws {
        let (pool, _) = try await migrated()
        defer { pool.close() }
        for i in 0..<10 {
            _ = try await pool.query("""
                INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, settled_at)
                VALUES ('demo', 'settled', $1, $2, $3, now())
                """, [.micros(200_000), .micros(100_000), .text("req-\(i)")])
        }
        _ = try await pool.query("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, correlation_id, expires_at)
            VALUES ('demo', 'reserved', 5, 'stale', now() - interval '1 minute'), ('demo', 'reserved', 0.5, 'live', now() + interval '1 minute')
            """)
        let rollup = try await pool.query(
            "SELECT (r).spent_usd, (r).reserved_usd, (r).expired_count FROM (SELECT reconcile_daily_budget('demo', (now() AT TIME ZONE 'UTC')::date) AS r) s"
        ).single()
        // 10 × $0.10 actual, exactly, plus the stale $5 at its estimate: nobody closed it, so
        // it may have run (settled by the reconciler, never released blind).
        #expect(try rollup["spent_usd"].micros() == 6_000_000)
        #expect(try rollup["reserved_usd"].micros() == 500_000)
        #expect(try rollup["expired_count"].int() == 1)
        let stale = try await pool.query("SELECT status, settled_by, actual_usd::text FROM budget_ledger WHERE correlation_id = 'stale'").single()
        #expect(try stale["status"].string() == "settled" && stale["settled_by"].string() == "reconciler")
        #expect(try stale["actual_usd"].string() == "5.000000")
        let live = try await pool.query("SELECT daily_spent_usd, daily_reserved_usd FROM tenant_budget WHERE tenant_id = 'demo'").single()
        #expect(try live["daily_spent_usd"].micros() == 6_000_000)
        #expect(try live["daily_reserved_usd"].micros() == 500_000)
        let unknown = await #expect(throws: PostgresError.self) {
            _ = try await pool.query("SELECT reconcile_daily_budget('nobody', CURRENT_DATE)")
        }
        #expect(unknown?.sqlState == "P0002")
    }

    @Test func perTenantKeysLeadWithTenantID() async throws {
        let (pool, _) = try await migrated()
        defer { pool.close() }
        let keys = try await pool.query("""
            SELECT c.relname AS table_name, a.attname AS first_key
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indrelid
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
            WHERE i.indisprimary AND c.relname IN
              ('tenant_budget','budget_ledger','budget_overrides','approval_requests','approvals',
               'compensation_log','canary_escalations','budget_daily')
            """)
        #expect(keys.count == 8)
        for row in keys {
            let table = try row["table_name"].string()
            #expect(try row["first_key"].string() == "tenant_id", "primary key of \(table)")
        }
        let money = try await pool.query("""
            SELECT table_name, column_name, numeric_precision, numeric_scale FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name LIKE '%usd%' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE')
            """)
        #expect(money.count > 10)
        for row in money {
            #expect(try row["numeric_precision"].int() == 20)
            #expect(try row["numeric_scale"].int() == 6)
        }
    }
}
