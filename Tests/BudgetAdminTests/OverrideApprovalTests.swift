import Testing

/// `POST /admin/budget/overrides/{id}/approve`: four eyes on a ≥ 2× override.
@Suite("POST /admin/budget/overrides/{id}/approve")
struct OverrideApprovalTests {
    @Test("a second finance_admin approves: active, counted by the ledger, audited with the approver")
    func secondAdminApproves() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.5", as: .alice)
        #expect(try await h.ledgerMultiplier("test") == "1")
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/approve", body: #"{"note":"checked with finops"}"#, as: .bob)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply["status"]?.stringValue == "active")
        #expect(reply["approved_by"]?.stringValue == "bob")
        #expect(reply["counts"] == .bool(true))
        #expect(try await h.ledgerMultiplier("test") == "2.500")
        let audit = try await h.audit("budget.override.approve")
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "bob")
        #expect(audit.first?.reason == "checked with finops")
        #expect(audit.first?.details["override_id"]?.stringValue == id)
    }

    @Test("the requester approving their own override is FORBIDDEN and it stays pending")
    func requesterCannotApprove() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.0", as: .alice)
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .alice)
        #expect(reply.status == 403)
        #expect(reply.code == "FORBIDDEN")
        let status = try await h.sql("SELECT status FROM budget_overrides WHERE id = $1::uuid", [.text(id)]).single()["status"].string()
        #expect(status == "pending_approval")
        #expect(try await h.audit("budget.override.approve").isEmpty)
    }

    @Test("the loopback operator who requested the runbook's override cannot approve it either")
    func operatorCannotApproveOwn() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.0", hours: "24", as: .operator)
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/approve")
        #expect(reply.status == 403)
        let approved = try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob)
        #expect(approved.status == 200)
    }

    @Test("approving an override that is not pending (already active, or approved twice) is 409 CONFLICT")
    func notPending() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let auto = try await h.createOverride(multiplier: "1.5", as: .alice)
        let reply = try await h.call("POST", "/admin/budget/overrides/\(auto)/approve", as: .bob)
        #expect(reply.status == 409)
        #expect(reply.code == "CONFLICT")
        let pending = try await h.createOverride(multiplier: "2.0", as: .alice)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(pending)/approve", as: .bob).status == 200)
        let again = try await h.call("POST", "/admin/budget/overrides/\(pending)/approve", as: .bob)
        #expect(again.status == 409)
        #expect(again.json?["errors"]?.arrayValue?.first?["extensions"]?["status"]?.stringValue == "active")
    }

    @Test("a pending override that lapsed before approval is 409 and never counts")
    func lapsedBeforeApproval() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.0", as: .alice)
        _ = try await h.sql("""
            UPDATE budget_overrides SET created_at = now() - interval '5 hours', expires_at = now() - interval '1 second'
            WHERE id = $1::uuid
            """, [.text(id)])
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob)
        #expect(reply.status == 409)
        #expect(reply.message.contains("expired"))
        #expect(try await h.ledgerMultiplier("test") == "1")
    }

    @Test("a revoked override cannot be approved (409)")
    func revokedNotApprovable() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.0", as: .alice)
        #expect(try await h.call("DELETE", "/admin/budget/overrides/\(id)", as: .alice).status == 200)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob).status == 409)
    }

    @Test("an unknown override id is NOT_FOUND")
    func unknownID() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let reply = try await h.call("POST", "/admin/budget/overrides/4f1c2b1e-8a4e-4f55-9d3c-0b7e2e9d1a01/approve", as: .bob)
        #expect(reply.status == 404)
        #expect(reply.code == "NOT_FOUND")
    }

    @Test("a malformed override id is BAD_REQUEST (not a database error)")
    func malformedID() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        for id in ["42", "not-a-uuid", "4f1c2b1e-8a4e-4f55-9d3c-0b7e2e9d1a0", "'%3B%20DROP%20TABLE"] {
            let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob)
            #expect(reply.status == 400, "\(id)")
            #expect(reply.code == "BAD_REQUEST")
        }
    }

    @Test("an approval body with unknown keys or that is not JSON is BAD_REQUEST")
    func badApprovalBody() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.0", as: .alice)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", body: #"{"approve":true}"#, as: .bob).status == 400)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", body: "yes", as: .bob).status == 400)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", body: "{}", as: .bob).status == 200)
    }

    @Test("an admin without finance_admin may not approve (the role table)")
    func adminMayNotApprove() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2.0", as: .alice)
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .carol)
        #expect(reply.status == 403)
    }

    @Test("two finance_admins approving at once: one wins, the other gets 409")
    func concurrentApprovals() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "3", as: .alice)
        async let first = h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob)
        async let second = h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .with("erin", roles: "finance_admin"))
        let statuses = [try await first.status, try await second.status].sorted()
        #expect(statuses == [200, 409])
        #expect(try await h.audit("budget.override.approve").count == 1)
    }
}
