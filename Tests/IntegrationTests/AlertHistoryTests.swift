import Foundation
import Testing
import TestSupport

/// `GET /admin/alerts` (the canary-health page's alert history, issue 19): Prometheus's own
/// `ALERTS` when `promql.url` is set — against a real Prometheus firing a test alert — and
/// the audit log's events without it.
@Suite("alert history", .serialized)
struct AlertHistoryTests {
    static func json(_ response: RawHTTPClient.Response) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
    }

    @Test("from Prometheus: a firing alert labelled with the tenant, with its stretch and severity; other tenants' not listed")
    func fromPrometheus() async throws {
        let prometheus = try await offPool {
            try PrometheusServer(scrapePort: Ports.free(), extraRules: """
                groups:
                  - name: alert-history-test
                    rules:
                      - alert: CanaryBudgetTestAlert
                        expr: vector(1)
                        labels: {tenant: demo, severity: warning}
                      - alert: OtherTenantAlert
                        expr: vector(1)
                        labels: {tenant: acme, severity: critical}
                """)
        }
        let stack = try await offPool { try PQStack(phase: "log", extraYAML: "promql:\n  url: http://127.0.0.1:\(prometheus.port)\n") }
        var alerts: [[String: Any]] = []
        for _ in 0..<60 where alerts.isEmpty {
            let answer = try await offPool { try stack.admin("GET", "/admin/alerts?tenant=demo", roles: "finance_admin") }
            #expect(answer.status == 200, "\(answer.text)")
            let body = try Self.json(answer)
            #expect(body["source"] as? String == "prometheus")
            alerts = body["alerts"] as? [[String: Any]] ?? []
            if alerts.isEmpty { try await Task.sleep(for: .milliseconds(500)) }
        }
        let alert = try #require(alerts.first, "Prometheus never fired the test alert")
        #expect(alert["alert"] as? String == "CanaryBudgetTestAlert" && alert["severity"] as? String == "warning")
        #expect(alert["firing"] as? Bool == true && (alert["from"] as? String)?.hasSuffix("Z") == true)
        #expect(alerts.allSatisfy { $0["alert"] as? String != "OtherTenantAlert" })
    }

    @Test("without promql.url: the audit log's budget events stand in; bad input is 400; a reader's role only")
    func fromAudit() async throws {
        let stack = try await offPool { try PQStack(phase: "log") }
        let override = try await offPool {
            try stack.admin("POST", "/admin/budget/override", body: #"{"tenant_id":"demo","budget_multiplier":1.5,"note":"alert history","expires_hours":1}"#,
                            roles: "finance_admin", extra: ["X-User-Id": "fiona"])
        }
        #expect(override.status == 201, "\(override.text)")
        let answer = try await offPool { try stack.admin("GET", "/admin/alerts?tenant=demo&hours=2", roles: "finance_admin") }
        let body = try Self.json(answer)
        #expect(answer.status == 200 && body["source"] as? String == "audit", "\(answer.text)")
        #expect((body["alerts"] as? [[String: Any]] ?? []).contains { $0["alert"] as? String == "budget.override.create" }, "\(answer.text)")
        for query in ["hours=0", "hours=1000", "tenant=a%20b", "day=1"] {
            #expect(try await offPool { try stack.admin("GET", "/admin/alerts?\(query)", roles: "finance_admin") }.status == 400, "\(query)")
        }
        #expect(try await offPool { try stack.admin("GET", "/admin/alerts", roles: "analyst") }.status == 403)
    }
}
