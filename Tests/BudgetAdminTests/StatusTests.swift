import BudgetAdmin
import Postgres
import Testing

/// `GET /admin/budget/status` and `GET /admin/budget/canary-status`.
@Suite("budget status reports")
struct StatusTests {
    @Test("status: limits, today's and this month's counters, exact utilization against limit × override")
    func status() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("""
            UPDATE tenant_budget SET daily_spent_usd = 10, daily_reserved_usd = 2.5, monthly_spent_usd = 100, monthly_reserved_usd = 2.5
            WHERE tenant_id = 'test'
            """)
        var reply = try await h.call("GET", "/admin/budget/status", as: .carol)
        #expect(reply.status == 200, "\(reply.text)")
        var test = try #require(reply["tenants"]?.arrayValue?.first { $0["tenant_id"]?.stringValue == "test" })
        #expect(test.at("daily.limit_usd")?.number == "25.000000")
        #expect(test.at("daily.spent_usd")?.number == "10.000000")
        #expect(test.at("daily.reserved_usd")?.number == "2.500000")
        #expect(test.at("daily.utilization")?.number == "0.500000")
        #expect(test.at("monthly.spent_usd")?.number == "100.000000")
        #expect(test.at("monthly.utilization")?.number == "0.136667")
        #expect(test["utilization"]?.number == "0.500000")
        #expect(test["alert"] == .bool(false))
        #expect(test["override_multiplier"]?.number == "1")
        #expect(test["canary"] == .bool(true))

        let id = try await h.createOverride(tenant: "test", multiplier: "2", as: .alice)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob).status == 200)
        reply = try await h.call("GET", "/admin/budget/status")
        test = try #require(reply["tenants"]?.arrayValue?.first { $0["tenant_id"]?.stringValue == "test" })
        #expect(test["override_multiplier"]?.number == "2.000")
        #expect(test.at("daily.effective_limit_usd")?.number == "50.000000")
        #expect(test.at("daily.utilization")?.number == "0.250000")
        #expect(test.at("override.id")?.stringValue == id)
        #expect(reply.json?.at("summary.with_override")?.arrayValue == [.string("test")])
    }

    @Test("counters of a past day or month read as 0 (their window is over)")
    func staleCounters() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("""
            UPDATE tenant_budget SET daily_spent_usd = 20, daily_reserved_usd = 1, monthly_spent_usd = 700, monthly_reserved_usd = 1,
                counter_day = (now() AT TIME ZONE 'UTC')::date - 1,
                counter_month = (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date
            WHERE tenant_id = 'demo'
            """)
        let reply = try await h.call("GET", "/admin/budget/status?tenant=demo")
        let demo = try #require(reply["tenants"]?.arrayValue?.first)
        #expect(demo.at("daily.spent_usd")?.number == "0.000000")
        #expect(demo.at("daily.reserved_usd")?.number == "0.000000")
        #expect(demo.at("monthly.spent_usd")?.number == "0.000000")
        #expect(demo["utilization"]?.number == "0.000000")
    }

    @Test("status: the alert flag at the threshold, over_limit past the limit, a zero limit has no ratio")
    func alertAndOver() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("UPDATE tenant_budget SET daily_spent_usd = 20 WHERE tenant_id = 'test'")
        _ = try await h.sql("UPDATE tenant_budget SET daily_spent_usd = 25.000001 WHERE tenant_id = 'demo'")
        _ = try await h.sql("UPDATE tenant_budget SET daily_usd_limit = 0 WHERE tenant_id = 'maestro-internal'")
        let reply = try await h.call("GET", "/admin/budget/status")
        let tenants = reply["tenants"]?.arrayValue ?? []
        let test = try #require(tenants.first { $0["tenant_id"]?.stringValue == "test" })
        #expect(test["alert"] == .bool(true))
        #expect(test["over_limit"] == .bool(false))
        let demo = try #require(tenants.first { $0["tenant_id"]?.stringValue == "demo" })
        #expect(demo["over_limit"] == .bool(true))
        #expect(demo.at("daily.utilization")?.number == "1.000000")
        let maestro = try #require(tenants.first { $0["tenant_id"]?.stringValue == "maestro-internal" })
        #expect(maestro.at("daily.utilization")?.isNull == true)
        #expect(reply.json?.at("summary.over_limit")?.arrayValue == [.string("demo")])
    }

    @Test("status: unknown query parameter BAD_REQUEST, unknown ?tenant= NOT_FOUND, no role FORBIDDEN")
    func statusBadInput() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        #expect(try await h.call("GET", "/admin/budget/status?format=csv").status == 400)
        #expect(try await h.call("GET", "/admin/budget/status?tenant=nobody").status == 404)
        #expect(try await h.call("GET", "/admin/budget/status", as: .dave).status == 403)
        #expect(try await h.call("GET", "/admin/budget/canary-status?x=1").status == 400)
        #expect(try await h.call("POST", "/admin/budget/status", body: "{}").status == 405)
    }

    @Test("canary-status: days clean from budget_daily, what broke the streak, and escalation eligibility")
    func canaryStatus() async throws {
        let h = try await BudgetHarness.start(canary: CanaryRule(cleanDays: 7))
        defer { h.shutdown() }
        // test: 8 clean days. demo: 3 clean, then a day over its limit. maestro-internal:
        // 5 clean rollups, but a denial storm two days ago.
        _ = try await h.sql("""
            INSERT INTO budget_daily (tenant_id, budget_day, spent_usd, daily_limit_usd)
            SELECT 'test', (now() AT TIME ZONE 'UTC')::date - g, 24.999999, 25 FROM generate_series(1, 8) g
            UNION ALL
            SELECT 'demo', (now() AT TIME ZONE 'UTC')::date - g, CASE WHEN g = 4 THEN 25.000001 ELSE 3 END, 25 FROM generate_series(1, 8) g
            UNION ALL
            SELECT 'maestro-internal', (now() AT TIME ZONE 'UTC')::date - g, 1, 25 FROM generate_series(1, 5) g
            """)
        _ = try await h.sql("""
            INSERT INTO audit_log (action, details, created_by, tenant_id, created_at)
            VALUES ('budget.denial_storm', '{}', 'worker', 'maestro-internal',
                    ((now() AT TIME ZONE 'UTC')::date - 2)::timestamp AT TIME ZONE 'UTC' + interval '3 hours')
            """)
        let reply = try await h.call("GET", "/admin/budget/canary-status")
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply["clean_days_required"]?.int64Value == 7)
        #expect(reply.json?.at("escalation.daily_usd_limit")?.number == "50.000000")
        let tenants = reply["canary_tenants"]?.arrayValue ?? []
        #expect(tenants.count == 3)
        let test = try #require(tenants.first { $0["tenant_id"]?.stringValue == "test" })
        #expect(test["days_clean"]?.int64Value == 8)
        #expect(test["streak_broken_by"]?.stringValue == "no budget_daily rollup")
        #expect(test["eligible_for_escalation"] == .bool(true))
        let demo = try #require(tenants.first { $0["tenant_id"]?.stringValue == "demo" })
        #expect(demo["days_clean"]?.int64Value == 3)
        #expect(demo["streak_broken_by"]?.stringValue == "over its daily limit")
        #expect(demo["eligible_for_escalation"] == .bool(false))
        let maestro = try #require(tenants.first { $0["tenant_id"]?.stringValue == "maestro-internal" })
        #expect(maestro["days_clean"]?.int64Value == 1)
        #expect(maestro["streak_broken_by"]?.stringValue == "budget denial storm")
        #expect(reply["eligible"]?.arrayValue == [.string("test")])

        // Once escalated, a tenant is no longer eligible.
        #expect(try await h.call("PUT", "/admin/budget/limits/test", body: #"{"daily_usd_limit":50,"monthly_usd_limit":1500}"#).status == 200)
        let after = try await h.call("GET", "/admin/budget/canary-status")
        let escalated = try #require(after["canary_tenants"]?.arrayValue?.first { $0["tenant_id"]?.stringValue == "test" })
        #expect(escalated["escalated"] == .bool(true))
        #expect(escalated["eligible_for_escalation"] == .bool(false))
    }

    @Test("canary-status: a rollback audited for everyone breaks every canary's streak that day")
    func rollbackBreaksStreaks() async throws {
        let h = try await BudgetHarness.start(canary: CanaryRule(cleanDays: 2))
        defer { h.shutdown() }
        _ = try await h.sql("""
            INSERT INTO budget_daily (tenant_id, budget_day, spent_usd, daily_limit_usd)
            SELECT t, (now() AT TIME ZONE 'UTC')::date - g, 0, 25
            FROM unnest(ARRAY['test', 'demo', 'maestro-internal']) t, generate_series(1, 5) g
            """)
        _ = try await h.sql("""
            INSERT INTO audit_log (action, details, created_by, created_at)
            VALUES ('rollback.phase2', '{}', 'oncall', ((now() AT TIME ZONE 'UTC')::date - 3)::timestamp AT TIME ZONE 'UTC')
            """)
        let reply = try await h.call("GET", "/admin/budget/canary-status")
        for tenant in reply["canary_tenants"]?.arrayValue ?? [] {
            #expect(tenant["days_clean"]?.int64Value == 2)
            #expect(tenant["streak_broken_by"]?.stringValue == "rollback")
            #expect(tenant["eligible_for_escalation"] == .bool(true))
        }
    }
}

/// `GET /admin/budget/hourly`: the canary-health chart's figures.
@Suite("budget hourly figures")
struct HourlyTests {
    @Test("24 hours oldest first, empty hours included; counts and settled spend per hour, per tenant; bad input named")
    func hourly() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, created_at, settled_at) VALUES
              ('test', 'settled', 0.02, 0.015, 'h-1', now() - interval '30 minutes', now()),
              ('test', 'released', 0.02, NULL, 'h-2', now() - interval '30 minutes', NULL),
              ('demo', 'settled', 0.10, NULL, 'h-3', now() - interval '5 hours', now()),
              ('test', 'settled', 1.00, 1.00, 'h-4', now() - interval '30 hours', now())
            """)
        let reply = try await h.call("GET", "/admin/budget/hourly?tenant=test", as: .carol)
        #expect(reply.status == 200, "\(reply.text)")
        let hours = try #require(reply["hours"]?.arrayValue)
        #expect(hours.count == 24)
        let stamps = hours.compactMap { $0["hour"]?.stringValue }
        #expect(stamps == stamps.sorted() && stamps.allSatisfy { $0.hasSuffix(":00:00.000000Z") })
        #expect(hours.compactMap { $0["mutations"]?.int64Value }.reduce(0, +) == 2, "the 30-hour-old row is outside; demo's is not test's")
        let spends: [String] = hours.compactMap { $0["spent_usd"]?.number }
        #expect(spends.contains("0.015000"), "settled at its actual; the released row adds nothing: \(spends)")
        let all = try await h.call("GET", "/admin/budget/hourly", as: .carol)
        #expect(all["hours"]?.arrayValue?.compactMap { $0["mutations"]?.int64Value }.reduce(0, +) == 3)
        #expect(try await h.call("GET", "/admin/budget/hourly?tenant=bad%20name", as: .carol).status == 400)
        #expect(try await h.call("GET", "/admin/budget/hourly?day=1", as: .carol).status == 400)
    }
}
