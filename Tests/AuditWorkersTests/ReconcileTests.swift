import Ledger
import Postgres
import Testing
@testable import Workers

@Suite("reconcile worker")
struct ReconcileTests {
    @Test("settles reservations past their TTL at their estimate (flagged reconciler) and rewrites the tenant's counters from the ledger")
    func releasesStaleAndCorrectsCounters() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        _ = try await pool.query("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, correlation_id, expires_at, budget_day)
            VALUES ('demo', 'reserved', 1.500000, 'stale-1', now() - interval '1 minute', \(utcDay(minus: 0))),
                   ('demo', 'reserved', 0.250000, 'stale-2', now() - interval '10 minutes', \(utcDay(minus: 0))),
                   ('demo', 'reserved', 2.000000, 'live-1', now() + interval '5 minutes', \(utcDay(minus: 0))),
                   ('demo', 'reserved', 4.000000, 'stale-old', now() - interval '3 days', \(utcDay(minus: 3)))
            """)
        _ = try await pool.query("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, settled_at)
            VALUES ('demo', 'settled', 1.000000, 3.000000, 'settled-1', now())
            """)
        // Counters that drifted (a crashed gateway's reservations, a lost settlement).
        _ = try await pool.query("""
            UPDATE tenant_budget SET daily_spent_usd = 0, daily_reserved_usd = 10, monthly_spent_usd = 0, monthly_reserved_usd = 10
            WHERE tenant_id = 'demo'
            """)

        let report = try await ReconcileWorker(pool: pool, logger: Harness.quiet).runOnce()
        #expect(report.succeeded)
        #expect(report.tenants.map(\.tenant) == ["demo", "maestro-internal", "test"])
        let demo = try #require(report.tenants.first { $0.tenant == "demo" })
        #expect(demo.expired == 3)
        #expect(demo.expiredMicros == 5_750_000)
        #expect(report.expired == 3)
        let today = try #require(demo.days.last)
        #expect(today.day == report.today)
        // $3 settled by a gateway, plus stale-1 and stale-2 at their estimates ($1.75).
        #expect(today.spentMicros == 4_750_000)
        #expect(today.reservedMicros == 2_000_000)
        #expect(today.expiredTotal == 2)
        // The day of the old stale reservation was rolled up again too.
        #expect(demo.days.count == 2)

        let statuses = try await pool.query("SELECT correlation_id, status FROM budget_ledger WHERE tenant_id = 'demo' ORDER BY correlation_id")
        let byID = Dictionary(uniqueKeysWithValues: try statuses.map { (try $0["correlation_id"].string(), try $0["status"].string()) })
        #expect(byID == ["live-1": "reserved", "settled-1": "settled", "stale-1": "settled", "stale-2": "settled", "stale-old": "settled"])
        let flagged = try await pool.query(
            "SELECT count(*) FROM budget_ledger WHERE tenant_id = 'demo' AND settled_by = 'reconciler' AND actual_usd = estimated_usd").single()[0].int64()
        #expect(flagged == 3)

        let counters = try await pool.query("""
            SELECT daily_spent_usd, daily_reserved_usd, monthly_spent_usd, monthly_reserved_usd FROM tenant_budget WHERE tenant_id = 'demo'
            """).single()
        #expect(try counters["daily_spent_usd"].micros() == 4_750_000)
        #expect(try counters["daily_reserved_usd"].micros() == 2_000_000)
        // The month holds the 3-day-old stale $4 too when that day is in this month.
        let sameMonth = try await pool.query("""
            SELECT date_trunc('month', \(utcDay(minus: 3))) = date_trunc('month', \(utcDay(minus: 0))) AS same
            """).single()["same"].bool()
        #expect(try counters["monthly_spent_usd"].micros() == (sameMonth ? 8_750_000 : 4_750_000))
        #expect(try counters["monthly_reserved_usd"].micros() == 2_000_000)

        let rollup = try await pool.query("""
            SELECT spent_usd, reserved_usd, request_count, expired_count FROM budget_daily
            WHERE tenant_id = 'demo' AND budget_day = \(utcDay(minus: 0))
            """).single()
        #expect(try rollup["spent_usd"].micros() == 4_750_000)
        #expect(try rollup["reserved_usd"].micros() == 2_000_000)
        #expect(try rollup["request_count"].int64() == 4)
        #expect(try rollup["expired_count"].int64() == 2)

        // A second pass finds nothing more to release and changes nothing.
        let again = try await ReconcileWorker(pool: pool, logger: Harness.quiet).runOnce()
        #expect(again.expired == 0)
        #expect(again.tenants.first { $0.tenant == "demo" }?.days.last == today)
    }

    @Test("yesterday is rolled up for a tenant that existed yesterday, so the last minutes before midnight count")
    func yesterdayRolledUp() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        _ = try await pool.query("UPDATE tenant_budget SET created_at = now() - interval '3 days' WHERE tenant_id = 'test'")
        _ = try await pool.query("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, settled_at, budget_day, created_at)
            VALUES ('test', 'settled', 1.000000, 1.250000, 'late-night', now(), \(utcDay(minus: 1)), now() - interval '1 day')
            """)
        let report = try await ReconcileWorker(pool: pool, logger: Harness.quiet).runOnce()
        let test = try #require(report.tenants.first { $0.tenant == "test" })
        #expect(test.days.count == 2)
        #expect(test.days.first?.spentMicros == 1_250_000)
        #expect(try await harness.text(
            "SELECT spent_usd::text FROM budget_daily WHERE tenant_id = 'test' AND budget_day = \(utcDay(minus: 1))") == "1.250000")
    }

    @Test("a settlement racing the reconciler on the same stale row commits without a deadlock and counts once")
    func settlementRaceNoDeadlock() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        let settler = try harness.pool(maxConnections: 1)
        defer {
            pool.close()
            settler.close()
        }
        let id = try await pool.query("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, correlation_id, expires_at)
            VALUES ('demo', 'reserved', 1.000000, 'slow-upstream', now() - interval '1 second') RETURNING id::text
            """).single()["id"].string()
        _ = try await pool.query("UPDATE tenant_budget SET daily_reserved_usd = 1, monthly_reserved_usd = 1 WHERE tenant_id = 'demo'")

        let prior = try await settler.withConnection { session -> String in
            try await session.executeScript("BEGIN")
            // budget_settle's first step: the ledger row is locked before the tenant row.
            _ = try await session.query("SELECT 1 FROM budget_ledger WHERE tenant_id = 'demo' AND id = $1::uuid FOR UPDATE", [.text(id)])
            // One transaction, no retry: a deadlock would fail it.
            let reconcile = Task {
                try await pool.transaction { session in try await ReconcileWorker.reconcile("demo", in: session) }
            }
            // The reconciler now waits for that row (and holds nothing the settlement needs).
            let waiting = try await eventually {
                try await pool.query("""
                    SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
                    """).single()["n"].int64() > 0
            }
            #expect(waiting)
            let prior = try await session.query(
                "SELECT budget_settle('demo', $1::uuid, 0.400000, NULL, 200, NULL, NULL) AS prior", [.text(id)]
            ).single()["prior"].string()
            try await session.executeScript("COMMIT")
            let done = try await reconcile.value
            #expect(done?.expired == 0)
            return prior
        }
        #expect(prior == "reserved")
        let row = try await pool.query("SELECT status, actual_usd FROM budget_ledger WHERE id = $1::uuid", [.text(id)]).single()
        #expect(try row["status"].string() == "settled")
        #expect(try row["actual_usd"].micros() == 400_000)
        let counters = try await pool.query("SELECT daily_spent_usd, daily_reserved_usd FROM tenant_budget WHERE tenant_id = 'demo'").single()
        #expect(try counters["daily_spent_usd"].micros() == 400_000)
        #expect(try counters["daily_reserved_usd"].micros() == 0)
    }

    @Test("a reservation in flight (ledger row written, tenant row not yet locked) and the reconciler do not deadlock")
    func reservationInFlightNoDeadlock() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        let reserver = try harness.pool(maxConnections: 1)
        defer {
            pool.close()
            reserver.close()
        }
        let reconciled = try await reserver.withConnection { session -> ReconcileReport.Tenant? in
            try await session.executeScript("BEGIN")
            // budget_reserve's order: the ledger row first (its foreign key share-locks the
            // tenant row), then the tenant row FOR NO KEY UPDATE.
            _ = try await session.query("""
                INSERT INTO budget_ledger (tenant_id, status, estimated_usd, correlation_id) VALUES ('demo', 'reserved', 2.000000, 'in-flight')
                """)
            let reconcile = Task {
                try await pool.transaction { session in try await ReconcileWorker.reconcile("demo", in: session) }
            }
            // Whether or not the reconciler has to wait for this transaction, the reservation's
            // next step must not deadlock with it.
            _ = try await eventually {
                try await pool.query("""
                    SELECT count(*) AS n FROM pg_stat_activity
                    WHERE datname = current_database() AND (wait_event_type = 'Lock' OR query LIKE '%reconcile_daily_budget%')
                      AND pid <> pg_backend_pid()
                    """).single()["n"].int64() > 0
            }
            _ = try await session.query("SELECT 1 FROM tenant_budget WHERE tenant_id = 'demo' FOR NO KEY UPDATE")
            _ = try await session.query("""
                UPDATE tenant_budget SET daily_reserved_usd = daily_reserved_usd + 2, monthly_reserved_usd = monthly_reserved_usd + 2
                WHERE tenant_id = 'demo'
                """)
            try await session.executeScript("COMMIT")
            return try await reconcile.value
        }
        #expect(reconciled?.tenant == "demo")
        // The counters are right whichever committed first.
        let counters = try await pool.query("SELECT daily_reserved_usd, monthly_reserved_usd FROM tenant_budget WHERE tenant_id = 'demo'").single()
        #expect(try counters["daily_reserved_usd"].micros() == 2_000_000)
        #expect(try counters["monthly_reserved_usd"].micros() == 2_000_000)
    }

    @Test("a closed pool makes the pass throw instead of failing every tenant")
    func unreachableThrows() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        pool.close()
        await #expect(throws: PostgresError.self) { try await ReconcileWorker(pool: pool, logger: Harness.quiet).runOnce() }
    }
}
