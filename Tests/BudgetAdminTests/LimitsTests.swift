import Testing

/// `PUT /admin/budget/limits/{tenant}`.
@Suite("PUT /admin/budget/limits/{tenant}")
struct LimitsTests {
    @Test("raising a canary's limits ($25/$750 → $50/$1,500) is exact and audited with old and new values")
    func raise() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("PUT", "/admin/budget/limits/test", body: #"{"daily_usd_limit":50,"monthly_usd_limit":1500}"#)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply["created"] == .bool(false))
        #expect(reply.json?.at("previous.daily_usd_limit")?.number == "25.000000")
        #expect(reply.json?.at("current.daily_usd_limit")?.number == "50.000000")
        #expect(reply.json?.at("current.monthly_usd_limit")?.number == "1500.000000")
        let row = try await h.sql("SELECT daily_usd_limit::text AS d, monthly_usd_limit::text AS m FROM tenant_budget WHERE tenant_id = 'test'").single()
        #expect(try row["d"].string() == "50.000000")
        #expect(try row["m"].string() == "1500.000000")
        let audit = try await h.audit("budget.limits.set")
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "local-operator")
        #expect(audit.first?.tenant == "test")
        #expect(audit.first?.details.at("previous.daily_usd_limit")?.number == "25.000000")
        #expect(audit.first?.details.at("current.monthly_usd_limit")?.number == "1500.000000")
    }

    @Test("one limit alone, cents exact (12.34), and the threshold and canary flag")
    func partial() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let daily = try await h.call("PUT", "/admin/budget/limits/demo", body: #"{"daily_usd_limit":12.34}"#, as: .alice)
        #expect(daily.status == 200)
        #expect(daily.json?.at("current.daily_usd_limit")?.number == "12.340000")
        #expect(daily.json?.at("current.monthly_usd_limit")?.number == "750.000000")
        let flags = try await h.call("PUT", "/admin/budget/limits/demo", body: #"{"alert_threshold":0.9,"canary":false}"#, as: .alice)
        #expect(flags.status == 200, "\(flags.text)")
        #expect(flags.json?.at("current.alert_threshold")?.number == "0.9000")
        #expect(flags.json?.at("current.canary") == .bool(false))
        #expect(flags.json?.at("current.tenant_class")?.stringValue == "default")
        #expect(flags.json?.at("current.environment")?.stringValue == "production")
        #expect(try await h.audit("budget.limits.set").count == 2)
    }

    @Test("an unknown tenant is created when both limits are given (201)")
    func create() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("PUT", "/admin/budget/limits/acme", body: #"{"daily_usd_limit":100,"monthly_usd_limit":2000,"canary":true}"#)
        #expect(reply.status == 201, "\(reply.text)")
        #expect(reply["created"] == .bool(true))
        #expect(reply["previous"]?.isNull == true)
        #expect(reply.json?.at("current.environment")?.stringValue == "canary")
        #expect(reply.json?.at("current.alert_threshold")?.number == "0.8000")
        let status = try await h.call("GET", "/admin/budget/status")
        #expect(status["canary_tenants"]?.arrayValue?.compactMap { $0["tenant_id"]?.stringValue }.contains("acme") == true)
        #expect(try await h.audit("budget.limits.set").first?.details["created"] == .bool(true))
    }

    @Test("an unknown tenant with one limit only is NOT_FOUND and nothing is created")
    func unknownTenantOneLimit() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("PUT", "/admin/budget/limits/acme", body: #"{"daily_usd_limit":100}"#)
        #expect(reply.status == 404)
        #expect(reply.code == "NOT_FOUND")
        #expect(try await h.sql("SELECT 1 FROM tenant_budget WHERE tenant_id = 'acme'").isEmpty)
        #expect(try await h.audit("budget.limits.set").isEmpty)
    }

    @Test("a negative, string, too precise or non-numeric limit is BAD_REQUEST")
    func badAmounts() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for body in [#"{"daily_usd_limit":-1}"#, #"{"daily_usd_limit":"50"}"#, #"{"daily_usd_limit":0.0000001}"#,
                     #"{"monthly_usd_limit":true}"#, #"{"daily_usd_limit":1e30}"#] {
            let reply = try await h.call("PUT", "/admin/budget/limits/test", body: body)
            #expect(reply.status == 400, "\(body): \(reply.text)")
        }
        let unchanged = try await h.sql("SELECT daily_usd_limit::text AS d FROM tenant_budget WHERE tenant_id = 'test'").single()["d"].string()
        #expect(unchanged == "25.000000")
    }

    @Test("an alert threshold outside 0 < x ≤ 1 (0, 1.5, 0.12345) is BAD_REQUEST")
    func badThreshold() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for value in ["0", "1.5", "0.12345", "-0.5", #""0.8""#] {
            let reply = try await h.call("PUT", "/admin/budget/limits/test", body: #"{"alert_threshold":\#(value)}"#)
            #expect(reply.status == 400, "\(value)")
        }
        #expect(try await h.call("PUT", "/admin/budget/limits/test", body: #"{"alert_threshold":1}"#).status == 200)
    }

    @Test("a daily limit above the monthly one is BAD_REQUEST")
    func dailyAboveMonthly() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("PUT", "/admin/budget/limits/test", body: #"{"daily_usd_limit":800}"#)
        #expect(reply.status == 400)
        #expect(reply.message.contains("monthly"))
    }

    @Test("an empty change, an unknown key, a bad canary flag or a body that is not JSON is BAD_REQUEST")
    func badBodies() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for body in ["{}", #"{"daily_limit":50}"#, #"{"canary":"yes"}"#, "daily=50", ""] {
            let reply = try await h.call("PUT", "/admin/budget/limits/test", body: body)
            #expect(reply.status == 400, "\(body)")
        }
    }

    @Test("a malformed tenant in the path is BAD_REQUEST; only finance_admin may set limits")
    func pathAndRoles() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        #expect(try await h.call("PUT", "/admin/budget/limits/a%20b", body: #"{"daily_usd_limit":1}"#).status == 400)
        #expect(try await h.call("PUT", "/admin/budget/limits/test", body: #"{"daily_usd_limit":1}"#, as: .carol).status == 403)
    }
}
