import Foundation
import Testing
import TestSupport

/// Issue 18's faults at the Postgres and Redis clients' call sites and the upstream body cut
/// short, on a live stack: each fault meets the caller as the dependency's own failure, scoped
/// to one tenant, and the ledger ends where it should.
@Suite("injected Postgres, Redis and truncation faults end to end", .serialized)
struct ChaosClientFaultTests {
    /// The upstream tests' stack, with the rate check failing closed so a Redis fault shows.
    static let config = ChaosGatewayTests.config.replacingOccurrences(of: "rate:\n", with: "rate:\n  fail_mode: closed\n")

    static func create(_ name: String) -> String { #"{"query":"mutation { createEntity(name: \"\#(name)\") { id } }"}"# }

    static func inject(_ stack: PQStack, _ json: String) async throws {
        let made = try await offPool { try stack.admin("POST", "/admin/chaos/faults", body: json) }
        #expect(made.status == 201, "\(json): \(made.text)")
    }

    static func clear(_ stack: PQStack) async throws {
        #expect(try await offPool { try stack.admin("DELETE", "/admin/chaos/faults", roles: "admin") }.status == 200)
    }

    /// The ledger rows of the entity named `name` (its correlation is the request id the answer carried).
    static func ledgerStatus(_ stack: PQStack, requestID: String) throws -> String {
        try DataCommand.check("/usr/bin/psql", [stack.databaseURL, "-tA", "-c",
            "SELECT coalesce(string_agg(status, ','), 'none') FROM budget_ledger WHERE correlation_id = '\(requestID)'"], timeout: 30)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Postgres error, delay and dropped connection: the ledger's own failure (503, nothing debited), only the scoped tenant; the pool reconnects")
    func postgresFaults() async throws {
        let stack = try await offPool { try PQStack(phase: "log", extraYAML: Self.config) }
        try await Self.inject(stack, #"{"target":"postgres","kind":"error","sqlstate":"53300","tenant":"test","ttl_minutes":5,"reason":"postgres overload drill"}"#)
        // On a loaded machine the ledger's own deadline may answer first ("no answer within"):
        // a few tries until the injected SQLSTATE is what the client reads.
        var refused = try await offPool { try stack.graphQL(Self.create("pg-error"), tenant: "test") }
        for attempt in 0..<5 where !refused.text.contains("53300") {
            refused = try await offPool { try stack.graphQL(Self.create("pg-error-\(attempt)"), tenant: "test") }
        }
        #expect(refused.status == 503 && refused.text.contains("DEPENDENCY_UNAVAILABLE") && refused.text.contains("53300"), "\(refused.text)")
        let refusedID = try #require(refused.head.headers["X-Request-Id"])
        #expect(try Self.ledgerStatus(stack, requestID: refusedID) == "none", "a refused debit left a row")
        // Another tenant's mutation and readiness (background, unscoped) are untouched.
        #expect(try await offPool { try stack.graphQL(Self.create("pg-other"), tenant: "demo") }.status == 200)
        let ready = try await offPool { try stack.request("GET", "/health/ready") }
        #expect(ready.text.contains(#""postgres":{"status":"up""#), "\(ready.text)")
        let metrics = try await offPool { try stack.request("GET", "/metrics").text }
        #expect(metrics.contains(#"chaos_injected_total{kind="error",target="postgres"}"#)
            || metrics.contains(#"chaos_injected_total{target="postgres",kind="error"}"#), "postgres error not counted")
        try await Self.clear(stack)

        // A delay under the ledger's statement timeout: slower, still served and settled.
        try await Self.inject(stack, #"{"target":"postgres","kind":"delay","delay_ms":300,"tenant":"test","ttl_minutes":5,"reason":"slow postgres drill"}"#)
        let start = Date()
        let slow = try await offPool { try stack.graphQL(Self.create("pg-slow"), tenant: "test") }
        #expect(slow.status == 200, "\(slow.text)")
        #expect(Date().timeIntervalSince(start) >= 0.3, "the Postgres delay was not applied")
        try await Self.clear(stack)
        try await offPool { Thread.sleep(forTimeInterval: 0.5) }  // the settlement runs after the answer
        #expect(try Self.ledgerStatus(stack, requestID: try #require(slow.head.headers["X-Request-Id"])) == "settled")

        // A dropped connection: refused like a Postgres restart, and the next call reconnects.
        try await Self.inject(stack, #"{"target":"postgres","kind":"reset","tenant":"test","ttl_minutes":5,"reason":"postgres failover drill"}"#)
        let dropped = try await offPool { try stack.graphQL(Self.create("pg-drop"), tenant: "test") }
        #expect(dropped.status == 503, "\(dropped.text)")
        try await Self.clear(stack)
        #expect(try await offPool { try stack.graphQL(Self.create("pg-after"), tenant: "test") }.status == 200)
    }

    @Test("Redis error and timeout: the rate check's fail mode (closed here: 503), only the scoped tenant")
    func redisFaults() async throws {
        let stack = try await offPool { try PQStack(phase: "log", extraYAML: Self.config) }
        try await Self.inject(stack, #"{"target":"redis","kind":"error","tenant":"test","operation":"mutation","ttl_minutes":5,"reason":"redis error drill"}"#)
        let refused = try await offPool { try stack.graphQL(Self.create("redis-error"), tenant: "test") }
        #expect(refused.status == 503 && refused.text.contains("DEPENDENCY_UNAVAILABLE"), "\(refused.text)")
        #expect(try await offPool { try stack.graphQL(Self.create("redis-other"), tenant: "demo") }.status == 200)
        try await Self.clear(stack)
        try await Self.inject(stack, #"{"target":"redis","kind":"timeout","tenant":"test","operation":"mutation","ttl_minutes":5,"reason":"redis hang drill"}"#)
        let hung = try await offPool { try stack.graphQL(Self.create("redis-timeout"), tenant: "test") }
        #expect(hung.status == 503, "\(hung.text)")
        let metrics = try await offPool { try stack.request("GET", "/metrics").text }
        #expect(metrics.contains("chaos_injected_total") && metrics.contains(#"target="redis""#) && metrics.contains(#"kind="timeout""#), "redis timeout not counted")
        try await Self.clear(stack)
        #expect(try await offPool { try stack.graphQL(Self.create("redis-after"), tenant: "test") }.status == 200)
    }

    @Test("a truncated upstream body: the client gets half and a cut connection; the ledger charges (the upstream did the work)")
    func truncatedBody() async throws {
        let stack = try await offPool { try PQStack(phase: "log", extraYAML: Self.config) }
        try await Self.inject(stack, #"{"target":"upstream","kind":"truncate","tenant":"test","ttl_minutes":5,"reason":"cut response drill"}"#)
        let outcome = try await offPool { () -> String in
            do {
                let answer = try stack.graphQL(Self.create("truncated"), tenant: "test")
                return "answered \(answer.status): \(answer.text)"
            } catch {
                return "cut"
            }
        }
        #expect(outcome == "cut", "\(outcome)")
        try await Self.clear(stack)
        try await offPool { Thread.sleep(forTimeInterval: 0.5) }
        let rows = try DataCommand.check("/usr/bin/psql", [stack.databaseURL, "-tA", "-c",
            "SELECT status FROM budget_ledger WHERE tenant_id = 'test' ORDER BY created_at DESC LIMIT 1"], timeout: 30)
        #expect(rows.trimmingCharacters(in: .whitespacesAndNewlines) == "settled", "ledger row: \(rows)")
    }
}
