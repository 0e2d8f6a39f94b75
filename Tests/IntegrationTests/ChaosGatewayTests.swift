import Foundation
import Testing
import TestSupport

/// Issue 18's first part on a live stack: upstream faults injected at the gateway's own call
/// site, scoped and audited, visible in readiness, and what the ledger does with them.
@Suite("injected upstream faults end to end", .serialized)
struct ChaosGatewayTests {
    static let config = """
        rate:
          tenants:
            test: {tenant_per_second: 1000, tenant_burst: 1000, operation_per_second: 1000, operation_burst: 1000}
            demo: {tenant_per_second: 1000, tenant_burst: 1000, operation_per_second: 1000, operation_burst: 1000}
        chaos:
          max_delay_ms: 2000
          max_ttl_minutes: 30
        """
    static let create = #"{"query":"mutation { createEntity(name: \"chaos\") { id } }"}"#

    static func fault(_ stack: PQStack, _ json: String, roles: String = "security_admin") throws -> RawHTTPClient.Response {
        try stack.admin("POST", "/admin/chaos/faults", body: json, roles: roles)
    }

    @Test("abort, delay and reset at the upstream call site: scoped by tenant and operation, the ledger gives the money back, readiness shows the drill, every change audited")
    func upstreamFaults() async throws {
        let stack = try await offPool { try PQStack(phase: "log", extraYAML: Self.config) }
        let made = try await offPool {
            try Self.fault(stack, #"{"target":"upstream","kind":"abort","status":503,"tenant":"test","operation":"mutation","ttl_minutes":10,"reason":"game day"}"#)
        }
        #expect(made.status == 201, "\(made.text)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(made.text.utf8)) as? [String: Any])?["id"] as? String)
        let aborted = try await offPool { try stack.graphQL(Self.create, tenant: "test") }
        #expect(aborted.status == 503 && aborted.text.contains("chaos: injected upstream abort"), "\(aborted.text)")
        // The upstream was never called: the reservation is released, not spent.
        let rows = try DataCommand.check("/usr/bin/psql", [stack.databaseURL, "-tA", "-c",
            "SELECT status FROM budget_ledger WHERE tenant_id = 'test' ORDER BY created_at DESC LIMIT 1"], timeout: 30)
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "released", "ledger row: \(rows)")
        // Scoped: another tenant's mutation and the tenant's own query pass.
        #expect(try await offPool { try stack.graphQL(Self.create, tenant: "demo") }.status == 200)
        #expect(try await offPool { try stack.graphQL(#"{"query":"{ health }"}"#, tenant: "test") }.status == 200)
        // Readiness says a drill is on.
        let ready = try await offPool { try stack.request("GET", "/health/ready") }
        #expect(ready.text.contains(#""chaos":{"active":1"#), "\(ready.text)")
        let metrics = try await offPool { try stack.request("GET", "/metrics").text }
        #expect(metrics.contains("chaos_injected_total") && metrics.contains("chaos_faults_active"), "metrics")
        // Cleared: the mutation passes again.
        let cleared = try await offPool { try stack.admin("DELETE", "/admin/chaos/faults/\(id)", roles: "admin") }
        #expect(cleared.status == 200 && cleared.text.contains(#""removed":1"#), "\(cleared.text)")
        #expect(try await offPool { try stack.graphQL(Self.create, tenant: "test") }.status == 200)

        // A delay: the answer takes at least the delay (a lower bound, whatever the machine's speed).
        #expect(try await offPool { try Self.fault(stack, #"{"target":"upstream","kind":"delay","delay_ms":400,"tenant":"test","ttl_minutes":5,"reason":"slow upstream drill"}"#) }.status == 201)
        let start = Date()
        let slow = try await offPool { try stack.graphQL(#"{"query":"{ health }"}"#, tenant: "test") }
        #expect(slow.status == 200)
        #expect(Date().timeIntervalSince(start) >= 0.4, "the delay was not applied")
        #expect(try await offPool { try stack.admin("DELETE", "/admin/chaos/faults", roles: "admin") }.status == 200)

        // A reset: the client's connection is cut, no answer.
        #expect(try await offPool { try Self.fault(stack, #"{"target":"upstream","kind":"reset","tenant":"test","ttl_minutes":5,"reason":"reset drill"}"#) }.status == 201)
        let reset = try await offPool { () -> Bool in
            (try? stack.graphQL(#"{"query":"{ health }"}"#, tenant: "test")) == nil
        }
        #expect(reset, "a reset fault answered")
        #expect(try await offPool { try stack.admin("DELETE", "/admin/chaos/faults", roles: "admin") }.status == 200)

        // Audited, with who and why.
        let audited = try DataCommand.check("/usr/bin/psql", [stack.databaseURL, "-tA", "-c",
            "SELECT count(*) FROM audit_log WHERE action IN ('chaos.fault.create', 'chaos.fault.delete')"], timeout: 30)
        #expect((Int(audited.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 6, "audit rows: \(audited)")
    }

    @Test("bad input and roles: an unknown target or kind, a percent outside 0–100, a delay past the maximum, a TTL missing or too long; only admin and security_admin")
    func badInputAndRoles() async throws {
        let stack = try await offPool { try PQStack(phase: "log", extraYAML: Self.config) }
        for (json, field) in [
            (#"{"target":"neo4j","kind":"abort","ttl_minutes":5,"reason":"x"}"#, "target"),
            (#"{"target":"upstream","kind":"melt","ttl_minutes":5,"reason":"x"}"#, "kind"),
            (#"{"target":"upstream","kind":"abort","percent":150,"ttl_minutes":5,"reason":"x"}"#, "percent"),
            (#"{"target":"upstream","kind":"delay","delay_ms":5000,"ttl_minutes":5,"reason":"x"}"#, "delay_ms"),
            (#"{"target":"upstream","kind":"abort","reason":"x"}"#, "ttl_minutes"),
            (#"{"target":"upstream","kind":"abort","ttl_minutes":90,"reason":"x"}"#, "ttl_minutes"),
        ] {
            let answer = try await offPool { try Self.fault(stack, json) }
            #expect(answer.status == 400 && answer.text.contains(#""field":"\#(field)""#), "\(json): \(answer.text)")
        }
        for role in ["sre", "analyst", "finance_admin"] {
            let answer = try await offPool { try Self.fault(stack, #"{"target":"upstream","kind":"abort","ttl_minutes":5,"reason":"x"}"#, roles: role) }
            #expect(answer.status == 403, "\(role): \(answer.text)")
        }
        let none = try await offPool { try stack.admin("GET", "/admin/chaos/faults", roles: "security_admin") }
        #expect(none.status == 200 && none.text == #"{"faults":[]}"#, "\(none.text)")
    }
}
