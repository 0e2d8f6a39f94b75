import Audit
import Postgres
import Testing
import Workers

@Suite("canary escalation worker")
struct EscalationTests {
    /// `budget_daily` rows for `tenant` on the UTC days `minus` days ago, spending `spent` of $25.
    static func rollups(_ pool: PostgresPool, _ tenant: String, days: [Int], spent: String = "1.000000") async throws {
        for minus in days {
            _ = try await pool.query("""
                INSERT INTO budget_daily (tenant_id, budget_day, spent_usd, daily_limit_usd)
                VALUES ($1, (now() AT TIME ZONE 'UTC')::date - $2::integer, $3::numeric, 25)
                ON CONFLICT (tenant_id, budget_day) DO UPDATE SET spent_usd = EXCLUDED.spent_usd
                """, [.text(tenant), .int(Int64(minus)), .text(spent)])
        }
    }

    /// An audit row on the UTC day `minus` days ago (backdated, as a psql INSERT may).
    static func auditOnDay(_ pool: PostgresPool, action: String, tenant: String?, minus: Int) async throws {
        _ = try await pool.query("""
            INSERT INTO audit_log (action, created_by, tenant_id, created_at)
            VALUES ($1, 'test', $2, ((now() AT TIME ZONE 'UTC')::date - $3::integer)::timestamp AT TIME ZONE 'UTC' + interval '3 hours')
            """, [.text(action), tenant.map { .text($0) }, .int(Int64(minus))])
    }

    static func worker(_ pool: PostgresPool, cleanDays: Int = 3, configDryRun: Bool = false) -> CanaryEscalationWorker {
        CanaryEscalationWorker(pool: pool, audit: AuditLog(pool: pool), cleanDaysRequired: cleanDays, configDryRun: configDryRun, logger: Harness.quiet)
    }

    static func limits(_ pool: PostgresPool, _ tenant: String) async throws -> (Int64, Int64) {
        let row = try await pool.query("SELECT daily_usd_limit, monthly_usd_limit FROM tenant_budget WHERE tenant_id = $1", [.text(tenant)]).single()
        return (try row["daily_usd_limit"].micros(), try row["monthly_usd_limit"].micros())
    }

    static func count(_ pool: PostgresPool, _ sql: String) async throws -> Int64 {
        try await pool.query(sql).single()[0].int64()
    }

    @Test("after N clean days a seed canary goes $25→$50 daily and $750→$1,500 monthly, recorded and audited, once")
    func escalatesAfterCleanDays() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 2, 3])

        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        #expect(!report.dryRun)
        let demo = try #require(report.decisions.first { $0.tenant == "demo" })
        #expect(demo.outcome == .escalated)
        #expect(demo.cleanDays == 3)
        #expect(report.escalated == 1)
        #expect(try await Self.limits(pool, "demo") == (50_000_000, 1_500_000_000))
        // The other canaries have no observed days.
        for other in report.decisions where other.tenant != "demo" {
            guard case .notEligible(let reason) = other.outcome else {
                Issue.record("\(other.tenant): \(other.outcome)")
                continue
            }
            #expect(reason.contains("no budget_daily rollup"))
            #expect(try await Self.limits(pool, other.tenant) == (25_000_000, 750_000_000))
        }

        let row = try await pool.query("""
            SELECT id::text, from_daily_usd, to_daily_usd, from_monthly_usd, to_monthly_usd, clean_days, dry_run, applied, decided_by
            FROM canary_escalations WHERE tenant_id = 'demo'
            """).single()
        #expect(try row["id"].string() == demo.escalationID)
        #expect(try row["from_daily_usd"].micros() == 25_000_000 && row["to_daily_usd"].micros() == 50_000_000)
        #expect(try row["from_monthly_usd"].micros() == 750_000_000 && row["to_monthly_usd"].micros() == 1_500_000_000)
        #expect(try row["clean_days"].int() == 3)
        #expect(try !row["dry_run"].bool() && row["applied"].bool())
        #expect(try row["decided_by"].string() == CanaryEscalationRule.workerActor)

        let audit = try await AuditLog(pool: pool).page(AuditPageQuery(tenant: "demo"))
        let entry = try #require(audit.records.first { $0.action == "budget.canary.escalate" })
        #expect(entry.createdBy == CanaryEscalationRule.workerActor)
        #expect(entry.details["applied"] == .bool(true))
        #expect(entry.details["to_daily_usd"] == .number("50.000000"))
        #expect(try await AuditLog(pool: pool).verify().isIntact)

        // A second pass does not double again: the limits are no longer the seeds.
        let again = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        #expect(again.decisions.first { $0.tenant == "demo" }?.outcome == .notAtSeedLimits)
        #expect(try await Self.limits(pool, "demo") == (50_000_000, 1_500_000_000))
        #expect(try await Self.count(pool, "SELECT count(*) FROM canary_escalations") == 1)
    }

    @Test("no escalation when one of the N days was over its daily limit")
    func notWhenOneDayOverLimit() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 3])
        try await Self.rollups(pool, "demo", days: [2], spent: "25.000001")

        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        let demo = try #require(report.decisions.first { $0.tenant == "demo" })
        guard case .notEligible(let reason) = demo.outcome else {
            Issue.record("demo: \(demo.outcome)")
            return
        }
        #expect(demo.cleanDays == 1)
        #expect(reason.contains("over its daily limit"))
        #expect(try await Self.limits(pool, "demo") == (25_000_000, 750_000_000))
        #expect(try await Self.count(pool, "SELECT count(*) FROM canary_escalations") == 0)
        #expect(try await Self.count(pool, "SELECT count(*) FROM audit_log WHERE action = 'budget.canary.escalate'") == 0)
    }

    @Test("spending exactly the limit is still a clean day")
    func exactlyAtLimitIsClean() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 2, 3], spent: "25.000000")
        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        #expect(report.decisions.first { $0.tenant == "demo" }?.outcome == .escalated)
    }

    @Test("no escalation when a day had a budget denial storm")
    func notAfterDenialStorm() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 2, 3])
        try await Self.auditOnDay(pool, action: "budget.denial_storm", tenant: "demo", minus: 2)
        // Demo's storm does not taint another tenant's days.
        try await Self.rollups(pool, "test", days: [1, 2, 3])

        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        let demo = try #require(report.decisions.first { $0.tenant == "demo" })
        guard case .notEligible(let reason) = demo.outcome else {
            Issue.record("demo: \(demo.outcome)")
            return
        }
        #expect(reason.contains("denial storm"))
        #expect(report.decisions.first { $0.tenant == "test" }?.outcome == .escalated)
        #expect(try await Self.limits(pool, "demo") == (25_000_000, 750_000_000))
    }

    @Test("no escalation when a day had a rollback, deployment-wide or the tenant's")
    func notAfterRollback() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        for tenant in ["demo", "test", "maestro-internal"] { try await Self.rollups(pool, tenant, days: [1, 2, 3]) }
        try await Self.auditOnDay(pool, action: "rollback", tenant: nil, minus: 3)
        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        for decision in report.decisions {
            guard case .notEligible(let reason) = decision.outcome else {
                Issue.record("\(decision.tenant): \(decision.outcome)")
                continue
            }
            #expect(reason.contains("rollback"))
            #expect(decision.cleanDays == 2)
        }
        #expect(try await Self.count(pool, "SELECT count(*) FROM tenant_budget WHERE daily_usd_limit <> 25") == 0)
    }

    @Test("a day without a rollup breaks the streak")
    func missingDayBreaksStreak() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 3, 4])
        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        let demo = try #require(report.decisions.first { $0.tenant == "demo" })
        #expect(demo.cleanDays == 1)
        guard case .notEligible(let reason) = demo.outcome else {
            Issue.record("demo: \(demo.outcome)")
            return
        }
        #expect(reason.contains("no budget_daily rollup"))
    }

    @Test("a storm earlier today stops the escalation even after N clean days")
    func notWhenTodayIsDirty() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 2, 3])
        _ = try await pool.query("INSERT INTO audit_log (action, created_by, tenant_id) VALUES ('budget.denial_storm', 'ledger', 'demo')")
        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        let demo = try #require(report.decisions.first { $0.tenant == "demo" })
        guard case .notEligible(let reason) = demo.outcome else {
            Issue.record("demo: \(demo.outcome)")
            return
        }
        #expect(reason.contains("today"))
        #expect(try await Self.limits(pool, "demo") == (25_000_000, 750_000_000))
    }

    @Test("a dry run records the decision (applied = false) and the audit row, and changes no limit")
    func dryRunRecordsOnly() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 2, 3])
        let report = try await Self.worker(pool).runOnce(dryRun: true, trigger: .manual(actor: "alice", correlationID: "req-9"))
        #expect(report.dryRun && !report.dryRunForcedByConfig)
        let demo = try #require(report.decisions.first { $0.tenant == "demo" })
        #expect(demo.outcome == .wouldEscalate)
        #expect(demo.escalationID != nil)
        #expect(try await Self.limits(pool, "demo") == (25_000_000, 750_000_000))
        let row = try await pool.query("SELECT dry_run, applied, decided_by, to_daily_usd FROM canary_escalations WHERE tenant_id = 'demo'").single()
        #expect(try row["dry_run"].bool() && !row["applied"].bool())
        #expect(try row["decided_by"].string() == "alice")
        #expect(try row["to_daily_usd"].micros() == 50_000_000)
        let entry = try #require(try await AuditLog(pool: pool).page(AuditPageQuery(tenant: "demo")).records.first)
        #expect(entry.action == "budget.canary.escalate")
        #expect(entry.correlationID == "req-9")
        #expect(entry.details["dry_run"] == .bool(true))
        #expect(entry.details["applied"] == .bool(false))

        // Asked for again, a dry run records again.
        _ = try await Self.worker(pool).runOnce(dryRun: true, trigger: .manual(actor: "alice", correlationID: nil))
        #expect(try await Self.count(pool, "SELECT count(*) FROM canary_escalations WHERE tenant_id = 'demo'") == 2)
    }

    @Test("canary.escalation_dry_run makes every pass a dry run; the timer records it once a day")
    func configDryRun() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        try await Self.rollups(pool, "demo", days: [1, 2, 3])
        let worker = Self.worker(pool, configDryRun: true)
        let first = try await worker.runOnce(dryRun: false, trigger: .scheduled)
        #expect(first.dryRun && first.dryRunForcedByConfig)
        #expect(first.decisions.first { $0.tenant == "demo" }?.outcome == .wouldEscalate)
        let second = try await worker.runOnce(dryRun: false, trigger: .scheduled)
        #expect(second.decisions.first { $0.tenant == "demo" }?.outcome == .alreadyRecordedToday)
        #expect(try await Self.limits(pool, "demo") == (25_000_000, 750_000_000))
        #expect(try await Self.count(pool, "SELECT count(*) FROM canary_escalations") == 1)
        #expect(try await Self.count(pool, "SELECT count(*) FROM audit_log WHERE action = 'budget.canary.escalate'") == 1)
    }

    @Test("only canary tenants at the seed limits are escalated")
    func onlySeedCanaries() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        _ = try await pool.query("""
            INSERT INTO tenant_budget (tenant_id, canary, daily_usd_limit, monthly_usd_limit) VALUES ('plain', false, 25, 750)
            """)
        _ = try await pool.query("UPDATE tenant_budget SET daily_usd_limit = 30 WHERE tenant_id = 'test'")
        for tenant in ["plain", "test"] { try await Self.rollups(pool, tenant, days: [1, 2, 3]) }
        let report = try await Self.worker(pool).runOnce(dryRun: false, trigger: .scheduled)
        #expect(!report.decisions.contains { $0.tenant == "plain" })
        #expect(report.decisions.first { $0.tenant == "test" }?.outcome == .notAtSeedLimits)
        #expect(try await Self.limits(pool, "plain") == (25_000_000, 750_000_000))
        #expect(try await Self.limits(pool, "test") == (30_000_000, 750_000_000))
    }

    @Test("canary.clean_days 0 escalates a seed canary at once")
    func zeroCleanDays() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let report = try await Self.worker(pool, cleanDays: 0).runOnce(dryRun: false, trigger: .scheduled)
        #expect(report.escalated == 3)
    }
}
