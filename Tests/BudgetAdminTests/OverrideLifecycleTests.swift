import Foundation
import Postgres
import Testing

/// List, extend, revoke — and expiry, which needs no worker.
@Suite("GET /admin/budget/overrides, extend, revoke, expiry")
struct OverrideLifecycleTests {
    @Test("the list holds active and pending overrides, not expired or revoked ones; ?tenant= narrows it")
    func list() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let active = try await h.createOverride(tenant: "test", multiplier: "1.5")
        let pending = try await h.createOverride(tenant: "demo", multiplier: "2")
        let revoked = try await h.createOverride(tenant: "test", multiplier: "1.2")
        let expired = try await h.createOverride(tenant: "test", multiplier: "1.3")
        #expect(try await h.call("DELETE", "/admin/budget/overrides/\(revoked)", as: .alice).status == 200)
        _ = try await h.sql("""
            UPDATE budget_overrides SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 minute' WHERE id = $1::uuid
            """, [.text(expired)])

        let all = try await h.call("GET", "/admin/budget/overrides", as: .carol)
        #expect(all.status == 200, "\(all.text)")
        let ids = Set(all["overrides"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
        #expect(ids == [active, pending])
        #expect(all["count"]?.int64Value == 2)
        #expect(all["active"]?.int64Value == 1)
        #expect(all["pending_approval"]?.int64Value == 1)

        let demo = try await h.call("GET", "/admin/budget/overrides?tenant=demo")
        #expect(demo["overrides"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [pending])
    }

    @Test("each listed override says what its tenant's settled mutations spent since it was asked for (exact)")
    func spentSince() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        _ = try await h.sql("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, created_at, settled_at) VALUES
              ('test', 'settled', 0.02, 0.015, 'before', now() - interval '1 hour', now())
            """)
        let id = try await h.createOverride(tenant: "test", multiplier: "1.5")
        _ = try await h.sql("""
            INSERT INTO budget_ledger (tenant_id, status, estimated_usd, actual_usd, correlation_id, settled_at, created_at) VALUES
              ('test', 'settled', 0.02, 0.015, 'after-1', now(), now() + interval '1 second'),
              ('test', 'settled', 0.25, NULL, 'after-2', now(), now() + interval '1 second'),
              ('test', 'released', 0.50, NULL, 'after-3', NULL, now() + interval '1 second'),
              ('demo', 'settled', 1.00, 1.00, 'other-tenant', now(), now() + interval '1 second')
            """)
        let listed = try await h.call("GET", "/admin/budget/overrides?tenant=test", as: .carol)
        let override = try #require(listed["overrides"]?.arrayValue?.first { $0["id"]?.stringValue == id })
        #expect(override["spent_since_usd"]?.number == "0.265000", "\(listed.text)")
    }

    @Test("the list: an unknown tenant is NOT_FOUND, an unknown query parameter BAD_REQUEST, a non-reader FORBIDDEN")
    func listBadInput() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        #expect(try await h.call("GET", "/admin/budget/overrides?tenant=nobody").status == 404)
        #expect(try await h.call("GET", "/admin/budget/overrides?status=all").status == 400)
        #expect(try await h.call("GET", "/admin/budget/overrides?tenant=a%20b").status == 400)
        #expect(try await h.call("GET", "/admin/budget/overrides", as: .dave).status == 403)
    }

    @Test("extend pushes the expiry later by N hours, audited with the old and new expiry")
    func extend() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "1.5", hours: "2")
        let before = try await h.sql("SELECT expires_at FROM budget_overrides WHERE id = $1::uuid", [.text(id)]).single()["expires_at"].timestampMicros()
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/extend", body: #"{"hours":3}"#, as: .bob)
        #expect(reply.status == 200, "\(reply.text)")
        let after = try await h.sql("SELECT expires_at FROM budget_overrides WHERE id = $1::uuid", [.text(id)]).single()["expires_at"].timestampMicros()
        #expect(after - before == 3 * 3_600_000_000)
        #expect(reply["previous_expires_at"]?.stringValue != reply["expires_at"]?.stringValue)
        let audit = try await h.audit("budget.override.extend")
        #expect(audit.count == 1)
        #expect(audit.first?.actor == "bob")
        #expect(audit.first?.details["extended_by_hours"]?.number == "3")
        #expect(audit.first?.details["previous_expires_at"]?.stringValue == reply["previous_expires_at"]?.stringValue)
    }

    @Test("extend past 24 h from now is BAD_REQUEST and says how much is left")
    func extendTooFar() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "1.5", hours: "20")
        let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/extend", body: #"{"hours":5}"#, as: .alice)
        #expect(reply.status == 400)
        #expect(reply.message.contains("at most 3.99 h") || reply.message.contains("at most 4 h"), "\(reply.message)")
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/extend", body: #"{"hours":3.5}"#, as: .alice).status == 200)
        #expect(try await h.audit("budget.override.extend").count == 1)
    }

    @Test("extend with bad hours (25, 0, \"2\", missing, unknown key) is BAD_REQUEST")
    func extendBadHours() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "1.5", hours: "1")
        for body in [#"{"hours":25}"#, #"{"hours":0}"#, #"{"hours":"2"}"#, "{}", #"{"hours":2,"by":"me"}"#, "two hours"] {
            let reply = try await h.call("POST", "/admin/budget/overrides/\(id)/extend", body: body, as: .alice)
            #expect(reply.status == 400, "\(body)")
        }
    }

    @Test("extend of an expired or revoked override is 409; of a pending one it is allowed")
    func extendStates() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let pending = try await h.createOverride(multiplier: "2", hours: "1")
        #expect(try await h.call("POST", "/admin/budget/overrides/\(pending)/extend", body: #"{"hours":1}"#, as: .alice).status == 200)
        let revoked = try await h.createOverride(multiplier: "1.5", hours: "1")
        #expect(try await h.call("DELETE", "/admin/budget/overrides/\(revoked)", as: .alice).status == 200)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(revoked)/extend", body: #"{"hours":1}"#, as: .alice).status == 409)
        let expired = try await h.createOverride(multiplier: "1.5", hours: "1")
        _ = try await h.sql("""
            UPDATE budget_overrides SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = $1::uuid
            """, [.text(expired)])
        let late = try await h.call("POST", "/admin/budget/overrides/\(expired)/extend", body: #"{"hours":1}"#, as: .alice)
        #expect(late.status == 409)
        #expect(try await h.ledgerMultiplier("test") == "1")
    }

    @Test("extend and revoke: unknown id NOT_FOUND, malformed id BAD_REQUEST")
    func unknownAndMalformedIDs() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let unknown = UUID().uuidString
        #expect(try await h.call("POST", "/admin/budget/overrides/\(unknown)/extend", body: #"{"hours":1}"#, as: .alice).status == 404)
        #expect(try await h.call("DELETE", "/admin/budget/overrides/\(unknown)", as: .alice).status == 404)
        #expect(try await h.call("POST", "/admin/budget/overrides/xyz/extend", body: #"{"hours":1}"#, as: .alice).status == 400)
        #expect(try await h.call("DELETE", "/admin/budget/overrides/123", as: .alice).status == 400)
    }

    @Test("revoke stops the override at once, is audited, and a second revoke is 409")
    func revoke() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "1.8")
        #expect(try await h.ledgerMultiplier("test") == "1.800")
        let reply = try await h.call("DELETE", "/admin/budget/overrides/\(id)", body: #"{"reason":"incident over"}"#, as: .carol)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply["status"]?.stringValue == "revoked")
        #expect(reply["revoked_by"]?.stringValue == "carol")
        #expect(try await h.ledgerMultiplier("test") == "1")
        let audit = try await h.audit("budget.override.revoke")
        #expect(audit.count == 1)
        #expect(audit.first?.reason == "incident over")
        #expect(audit.first?.details["previous_status"]?.stringValue == "active")
        let again = try await h.call("DELETE", "/admin/budget/overrides/\(id)", as: .alice)
        #expect(again.status == 409)
        #expect(try await h.call("DELETE", "/admin/budget/overrides/\(id)", body: #"{"why":"x"}"#, as: .alice).status == 400)
        #expect(try await h.call("DELETE", "/admin/budget/overrides/\(id)", as: .dave).status == 403)
    }

    @Test("an override set to have expired (SQL) counts no more: ledger, status and list agree, with no job run")
    func expiredBySQL() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "1.5", hours: "24")
        #expect(try await h.ledgerMultiplier("test") == "1.500")
        _ = try await h.sql("""
            UPDATE budget_overrides SET created_at = now() - interval '3 hours', expires_at = now() - interval '1 millisecond' WHERE id = $1::uuid
            """, [.text(id)])
        #expect(try await h.ledgerMultiplier("test") == "1")
        let stored = try await h.sql("SELECT status FROM budget_overrides WHERE id = $1::uuid", [.text(id)]).single()["status"].string()
        #expect(stored == "active")
        let status = try await h.call("GET", "/admin/budget/status?tenant=test")
        let tenant = try #require(status["tenants"]?.arrayValue?.first)
        #expect(tenant["override_multiplier"]?.number == "1")
        #expect(tenant["override"]?.isNull == true)
        #expect(tenant.at("daily.effective_limit_usd")?.number == "25.000000")
        let list = try await h.call("GET", "/admin/budget/overrides?tenant=test")
        #expect(list["count"]?.int64Value == 0)
    }

    @Test("expiry is exact: every reading before expires_at applies the override, every reading after does not")
    func exactExpiry() async throws {
        let h = try await BudgetHarness.start()
        defer { h.shutdown() }
        let id = try await h.createOverride(multiplier: "2", hours: "1", as: .alice)
        #expect(try await h.call("POST", "/admin/budget/overrides/\(id)/approve", as: .bob).status == 200)
        _ = try await h.sql("UPDATE budget_overrides SET expires_at = clock_timestamp() + interval '400 milliseconds' WHERE id = $1::uuid", [.text(id)])
        // Each reading runs the ledger's statement in its own transaction, together with
        // whether that transaction's now() is before the expiry: the two must always agree.
        var sawBefore = false
        var sawAfter = false
        while !sawAfter {
            let row = try await h.sql("""
                SELECT now() < (SELECT expires_at FROM budget_overrides WHERE id = $2::uuid) AS before,
                       (SELECT coalesce(max(budget_multiplier), 1) FROM budget_overrides
                         WHERE tenant_id = $1 AND status = 'active' AND expires_at > now())::text AS multiplier
                """, [.text("test"), .text(id)]).single()
            let before = try row["before"].bool()
            let multiplier = try row["multiplier"].string()
            #expect(multiplier == (before ? "2.000" : "1"), "before=\(before) multiplier=\(multiplier)")
            if before { sawBefore = true } else { sawAfter = true }
            try await Task.sleep(for: .milliseconds(25))
        }
        #expect(sawBefore)
        let status = try await h.call("GET", "/admin/budget/status?tenant=test")
        #expect(status["tenants"]?.arrayValue?.first?["override_multiplier"]?.number == "1")
    }
}
