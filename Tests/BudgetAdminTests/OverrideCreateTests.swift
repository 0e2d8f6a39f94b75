import Testing

/// `POST /admin/budget/override` (SPEC §3): the runbook's body, the auto-approval line at
/// 2×, and one named test per bad input.
@Suite("POST /admin/budget/override")
struct OverrideCreateTests {
    @Test("the rollout guide's body verbatim: 2.0× for 24 h is created pending approval, audited")
    func runbookBody() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: """
            {"tenant_id":"test","budget_multiplier":2.0,"note":"Emergency maintenance","expires_hours":24}
            """)
        #expect(reply.status == 201, "\(reply.text)")
        #expect(reply["status"]?.stringValue == "pending_approval")
        #expect(reply["approval_required"] == .bool(true))
        #expect(reply["budget_multiplier"]?.number == "2.000")
        #expect(reply["requested_by"]?.stringValue == "local-operator")
        #expect(reply["counts"] == .bool(false))
        #expect(reply["tenant_id"]?.stringValue == "test")
        // Pending: the ledger does not apply it yet.
        #expect(try await h.ledgerMultiplier("test") == "1")
        let remaining = try #require(reply["remaining_seconds"].flatMap { $0.int64Value })
        #expect(remaining > 23 * 3600 && remaining <= 24 * 3600)
        let audit = try await h.audit("budget.override.create")
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "local-operator")
        #expect(audit.first?.tenant == "test")
        #expect(audit.first?.reason == "Emergency maintenance")
        #expect(audit.first?.details["override_id"]?.stringValue == reply["id"]?.stringValue)
        #expect(audit.first?.details["status"]?.stringValue == "pending_approval")
    }

    @Test("below 2× the override is active at once and the ledger applies it")
    func autoApproved() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: """
            {"tenant_id":"demo","budget_multiplier":1.5,"note":"batch import","expires_hours":4}
            """, as: .alice)
        #expect(reply.status == 201, "\(reply.text)")
        #expect(reply["status"]?.stringValue == "active")
        #expect(reply["approval_required"] == .bool(false))
        #expect(reply["counts"] == .bool(true))
        #expect(reply["requested_by"]?.stringValue == "alice")
        #expect(try await h.ledgerMultiplier("demo") == "1.500")
    }

    @Test("exactly 3× and 1.999× are accepted; 1.999 is still auto-approved")
    func bounds() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let three = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":3,"note":"n","expires_hours":1}"#)
        #expect(three.status == 201)
        #expect(three["status"]?.stringValue == "pending_approval")
        let under = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":1.999,"note":"n","expires_hours":0.5}"#)
        #expect(under.status == 201)
        #expect(under["status"]?.stringValue == "active")
        #expect(under["budget_multiplier"]?.number == "1.999")
        let remaining = try #require(under["remaining_seconds"].flatMap { $0.int64Value })
        #expect(remaining > 0 && remaining <= 1800)
    }

    @Test("a body that is not JSON is BAD_REQUEST")
    func notJSON() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: "tenant_id=test&budget_multiplier=2")
        #expect(reply.status == 400)
        #expect(reply.code == "BAD_REQUEST")
        let empty = try await h.call("POST", "/admin/budget/override", body: "")
        #expect(empty.status == 400)
        let array = try await h.call("POST", "/admin/budget/override", body: "[1,2]")
        #expect(array.status == 400)
    }

    @Test("an unknown key is BAD_REQUEST naming it")
    func unknownKey() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: """
            {"tenant_id":"test","budget_multipler":2.0,"note":"typo","expires_hours":24}
            """)
        #expect(reply.status == 400)
        #expect(reply.message.contains("budget_multipler"))
    }

    @Test("a multiplier above 3 (3.5) is BAD_REQUEST")
    func multiplierTooLarge() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":3.5,"note":"n","expires_hours":1}"#)
        #expect(reply.status == 400)
        #expect(reply.code == "BAD_REQUEST")
        #expect(reply.message.contains("at most 3"))
        let barely = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":3.001,"note":"n","expires_hours":1}"#)
        #expect(barely.status == 400)
    }

    @Test("a multiplier of 0, 1 or below is BAD_REQUEST")
    func multiplierTooSmall() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for value in ["0", "1", "1.0", "0.5", "-2"] {
            let reply = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":\#(value),"note":"n","expires_hours":1}"#)
            #expect(reply.status == 400, "\(value)")
            #expect(reply.message.contains("greater than 1"), "\(value): \(reply.message)")
        }
    }

    @Test("a multiplier that is not a number (\"abc\", \"2.0\" as a string, true) is BAD_REQUEST")
    func multiplierNotANumber() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for value in [#""abc""#, #""2.0""#, "true", "null", "[2]"] {
            let reply = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":\#(value),"note":"n","expires_hours":1}"#)
            #expect(reply.status == 400, "\(value)")
            #expect(reply.message.contains("budget_multiplier"), "\(value): \(reply.message)")
        }
    }

    @Test("a multiplier with more decimals than the column keeps (1.2345) is BAD_REQUEST, not rounded")
    func multiplierTooPrecise() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":1.2345,"note":"n","expires_hours":1}"#)
        #expect(reply.status == 400)
        #expect(reply.message.contains("decimal places"))
        let trailingZeros = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":1.25000,"note":"n","expires_hours":1}"#)
        #expect(trailingZeros.status == 201)
        #expect(trailingZeros["budget_multiplier"]?.number == "1.250")
    }

    @Test("expires_hours of 25, 0, -1 or \"4\" is BAD_REQUEST")
    func badHours() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for value in ["25", "24.000001", "0", "-1", #""4""#] {
            let reply = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":1.5,"note":"n","expires_hours":\#(value)}"#)
            #expect(reply.status == 400, "\(value)")
            #expect(reply.message.contains("expires_hours"), "\(value): \(reply.message)")
        }
        let count = try await h.sql("SELECT count(*) AS n FROM budget_overrides").single()["n"].int64()
        #expect(count == 0)
    }

    @Test("a missing or blank note is BAD_REQUEST")
    func noteRequired() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let missing = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":1.5,"expires_hours":1}"#)
        #expect(missing.status == 400)
        #expect(missing.message.contains("note"))
        let blank = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"test","budget_multiplier":1.5,"note":"   ","expires_hours":1}"#)
        #expect(blank.status == 400)
    }

    @Test("a missing or malformed tenant_id is BAD_REQUEST")
    func tenantRequired() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let missing = try await h.call("POST", "/admin/budget/override", body: #"{"budget_multiplier":1.5,"note":"n","expires_hours":1}"#)
        #expect(missing.status == 400)
        let bad = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"a b/c","budget_multiplier":1.5,"note":"n","expires_hours":1}"#)
        #expect(bad.status == 400)
        #expect(bad.message.contains("tenant_id"))
    }

    @Test("an unknown tenant is NOT_FOUND and nothing is written")
    func unknownTenant() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/override", body: #"{"tenant_id":"nobody","budget_multiplier":1.5,"note":"n","expires_hours":1}"#)
        #expect(reply.status == 404)
        #expect(reply.code == "NOT_FOUND")
        #expect(try await h.audit("budget.override.create").isEmpty)
    }

    @Test("only finance_admin may create: an admin is FORBIDDEN, no identity from loopback is the operator")
    func roles() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let body = #"{"tenant_id":"test","budget_multiplier":1.5,"note":"n","expires_hours":1}"#
        let admin = try await h.call("POST", "/admin/budget/override", body: body, as: .carol)
        #expect(admin.status == 403)
        #expect(admin.code == "FORBIDDEN")
        let analyst = try await h.call("POST", "/admin/budget/override", body: body, as: .dave)
        #expect(analyst.status == 403)
    }
}
