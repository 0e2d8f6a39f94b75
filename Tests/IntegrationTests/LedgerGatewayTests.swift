import Foundation
import Glibc
import Logging
import Postgres
import Synchronization
import Testing
import TestSupport

/// The ledger through the real binaries: safemut processes in front of intelgraph-demo,
/// sharing one real Postgres.
@Suite("The budget ledger through the gateway", .serialized)
struct LedgerGatewayTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let create = #"mutation { createEntity(name: \"ledger-test\") { id } }"#

    /// A migrated database and a pool on it.
    static func database() async throws -> (url: String, pool: PostgresPool) {
        let url = try await offPool { try PQStack.migratedDatabase() }
        return (url, PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 2), logger: quiet))
    }

    static func stack(_ url: String, yaml: String = "") async throws -> DemoStack {
        try await offPool { try DemoStack(extraYAML: yaml, environment: ["DATABASE_URL": url]) }
    }

    static func post(_ port: Int, _ query: String, tenant: String = "demo", headers: String = "") async throws -> RawHTTPClient.Response {
        try await offPool {
            let client = try RawHTTPClient(port: port, timeout: 15)
            let body = #"{"query":"\#(query)"}"#
            try client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tenant: \(tenant)\r\n\(headers)Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            return try client.readResponse(method: "POST")
        }
    }

    /// Polls `condition` (a settlement runs after the response) for up to 10 s.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test("a mutation is reserved at its @budget cap and settled at the cost the upstream reports")
    func settlesActualCost() async throws {
        let (url, pool) = try await Self.database()
        defer { pool.close() }
        let stack = try await Self.stack(url)
        let response = try await Self.post(stack.gatewayPort, Self.create)
        #expect(response.status == 200, "\(response.text)")
        let requestID = response.head.headers["X-Request-Id"] ?? ""
        let settled = try await Self.eventually {
            let row = try await pool.query("SELECT status FROM budget_ledger WHERE correlation_id = $1", [.text(requestID)])
            return try row.first?["status"].string() == "settled"
        }
        #expect(settled)
        let row = try await pool.query(
            "SELECT estimated_usd::text, actual_usd::text, operation_name, document_hash, user_id FROM budget_ledger WHERE correlation_id = $1",
            [.text(requestID)]).single()
        #expect(try row[0].string() == "0.020000", "reserved at the cap")
        #expect(try row[1].string() == "0.016000", "settled at extensions.cost.actualUsd")
        let spent = try await pool.query("SELECT daily_spent_usd::text, daily_reserved_usd::text FROM tenant_budget WHERE tenant_id = 'demo'").single()
        #expect(try spent[0].string() == "0.016000")
        #expect(try spent[1].string() == "0.000000")
        // A query is not debited.
        #expect(try await Self.post(stack.gatewayPort, "{ health }").status == 200)
        let count = try await pool.query("SELECT count(*) FROM budget_ledger").single()[0].int64()
        #expect(count == 1)
    }

    @Test("past the daily limit the gateway answers 402 BUDGET_EXCEEDED with the window and the figures")
    func budgetExceeded() async throws {
        let (url, pool) = try await Self.database()
        defer { pool.close() }
        _ = try await pool.query("UPDATE tenant_budget SET daily_usd_limit = 0.030000 WHERE tenant_id = 'demo'")
        let stack = try await Self.stack(url)
        #expect(try await Self.post(stack.gatewayPort, Self.create).status == 200)
        let refused = try await Self.post(stack.gatewayPort, Self.create)
        #expect(refused.status == 402, "\(refused.text)")
        #expect(refused.text.contains("BUDGET_EXCEEDED"))
        #expect(refused.text.contains(#""window":"daily""#))
        #expect(refused.text.contains(#""limitUsd":"0.030000""#))
        #expect(refused.text.contains(#""estimateUsd":"0.020000""#))
        let metrics = try await offPool { () -> String in
            let client = try RawHTTPClient(port: stack.gatewayPort)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().text
        }
        #expect(metrics.contains(#"budget_denials_total{reason="daily",tenant="demo"} 1"#), "\(metrics)")
        // Tenants without a budget are refused under one label, however many a client invents.
        for invented in ["nobody-1", "nobody-2", "nobody-3"] {
            #expect(try await Self.post(stack.gatewayPort, Self.create, tenant: invented).status == 402)
        }
        let unknown = try await offPool { () -> String in
            let client = try RawHTTPClient(port: stack.gatewayPort)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().text
        }
        #expect(unknown.contains(#"budget_denials_total{reason="unknown_tenant",tenant="(unknown)"} 3"#), "\(unknown)")
        #expect(!unknown.contains("nobody-"), "an invented tenant became a label value")
        #expect(metrics.contains(#"admission_rejections_total{step="debit",code="BUDGET_EXCEEDED"} 1"#))
        #expect(metrics.contains("budget_reservation_duration_seconds_bucket"))
        // The per-tenant gauges refresh every 5 s; poll a scrape until they show the spend.
        let gauges = try await Self.eventually {
            let text = try await offPool { () -> String in
                let client = try RawHTTPClient(port: stack.gatewayPort)
                try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                return try client.readResponse().text
            }
            return text.contains(#"budget_spent_usd{tenant="demo",window="daily",canary="true"} 0.016"#)
                && text.contains(#"budget_limit_usd{tenant="demo",window="daily",canary="true"} 0.03"#)
        }
        #expect(gauges, "budget_spent_usd and budget_limit_usd for the tenant")
    }

    @Test("Idempotency-Key: the retry gets the first response back, marked replayed, and is debited once")
    func idempotentRetry() async throws {
        let (url, pool) = try await Self.database()
        defer { pool.close() }
        let stack = try await Self.stack(url)
        let first = try await Self.post(stack.gatewayPort, Self.create, headers: "Idempotency-Key: retry-1\r\n")
        #expect(first.status == 200)
        let settled = try await Self.eventually {
            try await pool.query("SELECT count(*) FROM budget_ledger WHERE status = 'settled'").single()[0].int64() == 1
        }
        #expect(settled)
        let second = try await Self.post(stack.gatewayPort, Self.create, headers: "Idempotency-Key: retry-1\r\n")
        #expect(second.status == 200)
        #expect(second.text == first.text, "the first response, not a second entity")
        #expect(second.head.headers["Idempotent-Replayed"] == "true")
        let other = try await Self.post(stack.gatewayPort, "mutation { SafeNoop }", headers: "Idempotency-Key: retry-1\r\n")
        #expect(other.status == 400, "\(other.text)")
        let bad = try await Self.post(stack.gatewayPort, "mutation { SafeNoop }", headers: "Idempotency-Key: has space\r\n")
        #expect(bad.status == 400)
        #expect(try await pool.query("SELECT count(*) FROM budget_ledger").single()[0].int64() == 1)
    }

    @Test("an upstream that fails before answering releases the reservation")
    func releasedOnUpstreamFailure() async throws {
        let (url, pool) = try await Self.database()
        defer { pool.close() }
        let stack = try await Self.stack(url, yaml: "")
        stack.upstream.stop()
        let response = try await Self.post(stack.gatewayPort, Self.create)
        #expect(response.status == 502)
        let released = try await Self.eventually {
            try await pool.query("SELECT status FROM budget_ledger").first?["status"].string() == "released"
        }
        #expect(released)
        #expect(try await pool.query("SELECT daily_reserved_usd::text FROM tenant_budget WHERE tenant_id = 'demo'").single()[0].string() == "0.000000")
    }

    @Test("an upstream that times out after the request went out: 504, and the estimate is charged, not released (the mutation may have run)")
    func readTimeoutChargesTheEstimate() async throws {
        let (url, pool) = try await Self.database()
        defer { pool.close() }
        let stack = try await Self.stack(url, yaml: "")
        // DemoStack's upstream.read_timeout_ms is 5000: the demo answers after 6 s.
        let response = try await Self.post(stack.gatewayPort, Self.create, headers: "X-Demo-Delay-Ms: 6000\r\n")
        #expect(response.status == 504, "\(response.text)")
        let settled = try await Self.eventually {
            try await pool.query("SELECT status FROM budget_ledger").first?["status"].string() == "settled"
        }
        #expect(settled)
        let row = try await pool.query("SELECT actual_usd::text, settled_by FROM budget_ledger").single()
        #expect(try row[0].string() == "0.020000", "the @budget cap, charged because the upstream had the request")
        #expect(try row[1].string() == "gateway")
    }

    @Test("Postgres down, fail_mode closed: 503 DEPENDENCY_UNAVAILABLE at once; open: admitted and counted")
    func postgresDown() async throws {
        let deadURL = "postgres://postgres@127.0.0.1:\(Ports.free())/none?connect_timeout=2"
        let closed = try await Self.stack(deadURL)
        let refused = try await Self.post(closed.gatewayPort, "mutation { SafeNoop }")
        #expect(refused.status == 503, "\(refused.text)")
        #expect(refused.text.contains("DEPENDENCY_UNAVAILABLE"))
        #expect(try await Self.post(closed.gatewayPort, "{ health }").status == 200, "queries do not need the ledger")

        let open = try await Self.stack(deadURL, yaml: "budget:\n  fail_mode: open")
        let admitted = try await Self.post(open.gatewayPort, "mutation { SafeNoop }")
        #expect(admitted.status == 200, "\(admitted.text)")
        let metrics = try await offPool { () -> String in
            let client = try RawHTTPClient(port: open.gatewayPort)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().text
        }
        #expect(metrics.contains(#"budget_enforcement_errors_total{kind="fail_open"} 1"#), "\(metrics)")
    }
}
