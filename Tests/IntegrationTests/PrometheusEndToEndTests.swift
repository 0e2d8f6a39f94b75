import Foundation
import Testing
import TestSupport

/// monitoring/ against the real thing: Debian's Prometheus scrapes a real `safemut serve`
/// (Postgres, Redis, intelgraph-demo) every second and evaluates monitoring/*.rules.yml;
/// real mutations drive a canary tenant past 80 % of its daily limit.
@Suite("Prometheus end to end: scrape, rules, alerts, dashboard queries", .serialized)
struct PrometheusEndToEndTests {
    static let create = #"{"query":"mutation { createEntity(name: \"prometheus-e2e\") { id } }"}"#

    /// Metrics that exist only after an event this test cannot cause on a shared server, or
    /// that issue 7 is wiring in parallel. A dashboard expression over one of them may return
    /// no series only while the metric is absent from the live scrape; once safemut exports
    /// it, the expression must return series like every other.
    static let eventMetrics: [String: String] = [
        "budget_enforcement_errors_total": "only after a ledger reservation failed (Postgres unreachable)",
        "datastore_errors_total": "only after a Postgres or Redis call failed",
        "rate_limit_errors_total": "only after a Redis failure in the rate-limit step",
    ]

    /// `promtool check metrics` findings safemut has today (each a Sources change, not a
    /// monitoring one): swift-prometheus writes no `# HELP`, and one counter counts microseconds.
    static func knownLint(_ line: String) -> Bool {
        line.hasSuffix(" no help text")
            || line == #"datastore_pool_wait_microseconds_total use base unit "seconds" instead of "microseconds""#
    }

    /// Polls `check` every half second until it returns nil or `seconds` pass; then fails with
    /// the last thing `check` said was missing.
    static func eventually(_ what: String, seconds: Double = 90, _ check: @escaping @Sendable () throws -> String?) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        var last = "not checked"
        while Date() < deadline {
            guard let missing = try await offPool(check) else { return }
            last = missing
            try await Task.sleep(for: .milliseconds(500))
        }
        Issue.record("\(what): not within \(Int(seconds)) s: \(last)")
    }

    /// Every `.panels[].targets[].expr` of monitoring/dashboards/*.json.
    static func dashboardExpressions() throws -> [String] {
        let directory = Binaries.repositoryRoot + "/monitoring/dashboards"
        var expressions: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where name.hasSuffix(".json") {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            let dashboard = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            for panel in dashboard["panels"] as? [[String: Any]] ?? [] {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    if let expr = target["expr"] as? String { expressions.append(expr) }
                }
            }
        }
        return expressions
    }

    /// Metric names in the exposition text.
    static func metricNames(_ exposition: String) -> Set<String> {
        Set(exposition.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let end = line.firstIndex(where: { $0 == "{" || $0 == " " }) else { return nil }
            return String(line[..<end])
        })
    }

    /// The daily utilization of `tenant` in `GET /admin/budget/status`, once its reservations are settled.
    static func adminUtilization(_ stack: PQStack, tenant: String) throws -> Double? {
        let response = try stack.admin("GET", "/admin/budget/status", roles: "finance_admin")
        let object = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any]
        let tenants = object?["tenants"] as? [[String: Any]] ?? []
        guard let daily = tenants.first(where: { $0["tenant_id"] as? String == tenant })?["daily"] as? [String: Any],
            (daily["reserved_usd"] as? NSNumber)?.doubleValue == 0
        else { return nil }
        return (daily["utilization"] as? NSNumber)?.doubleValue
    }

    @Test("a canary past 80 % of its daily limit: ratio recorded, CanaryDailyBudgetApproaching pending or firing, every dashboard query answers, the scrape lints")
    func canaryApproachingEndToEnd() async throws {
        // demo's per-field bucket is raised so the seven createEntity below meet the budget,
        // not the canary rate (5 at once). maestro-internal keeps a burst of 5 but refills
        // almost never (0.001/s), so its burst of 8 meets 429 however slowly the machine
        // sends it (at the canary class's 2/s, a loaded CI box refilled the bucket in time).
        let stack = try await offPool {
            try PQStack(phase: "log", extraYAML: """
                rate:
                  tenants:
                    demo:
                      operation_burst: 100
                    maestro-internal:
                      tenant_burst: 5
                      tenant_per_second: 0.001
                      operation_burst: 5
                      operation_per_second: 0.001
                """)
        }
        let prometheus = try await offPool { try PrometheusServer(scrapePort: stack.port) }

        // $0.10 a day for the canary `demo`: createEntity reserves its $0.02 @budget cap and
        // settles at the $0.016 the demo reports, so six mutations spend $0.096 (96 %) and a
        // seventh ($0.096 + $0.02 > $0.10) is refused: the daily denial the denial panels show.
        let limits = try await offPool {
            try stack.admin("PUT", "/admin/budget/limits/demo", body: #"{"daily_usd_limit":0.1}"#, roles: "finance_admin")
        }
        #expect(limits.status == 200, "\(limits.text)")
        for _ in 0..<6 {
            let admitted = try await offPool { try stack.graphQL(Self.create) }
            #expect(admitted.status == 200, "\(admitted.text)")
        }
        let refused = try await offPool { try stack.graphQL(Self.create) }
        #expect(refused.status == 402, "\(refused.text)")
        #expect(refused.text.contains("BUDGET_EXCEEDED"))
        // The issue-7 events the four-eyes and rate-limit panels read: a burst that meets the
        // canary rate limit, a mutation that needs approval, two approvals and its one use, and
        // an emergency override.
        var limited = 0
        for _ in 0..<8 {
            let answer = try await offPool { try stack.graphQL(#"{"query":"mutation { SafeNoop }"}"#, tenant: "maestro-internal") }
            if answer.status == 429 { limited += 1 }
        }
        #expect(limited > 0, "no 429 in a burst of 8 over a bucket of 5")
        let delete = #"{"query":"mutation { deleteEntity(id: \"e-1\") }"}"#
        let required = try await offPool { try stack.graphQL(delete, tenant: "test") }
        #expect(required.status == 403 && required.text.contains("APPROVAL_REQUIRED"), "\(required.text)")
        let requestID = try #require(
            (try JSONSerialization.jsonObject(with: Data(required.text.utf8)) as? [String: Any])
                .flatMap { ($0["errors"] as? [[String: Any]])?.first?["extensions"] as? [String: Any] }?["approvalRequestId"] as? String)
        for (user, roles) in [("alice", "finance_admin"), ("bob", "security_admin")] {
            let approved = try await offPool {
                try stack.admin("POST", "/admin/approvals/\(requestID)/approve", roles: roles, extra: ["X-User-Id": user])
            }
            #expect(approved.status == 200, "\(approved.text)")
        }
        let used = try await offPool {
            try stack.request("POST", "/graphql", body: delete, headers: ["X-Tenant": "test", "X-Approval-Id": requestID])
        }
        #expect(used.status == 200, "\(used.text)")
        let override = try await offPool {
            try stack.admin("POST", "/admin/policy/emergency-override", body: #"{"reason":"e2e","ttl_minutes":5}"#)
        }
        #expect(override.status == 201, "\(override.text)")
        // A query, so persisted-query decisions and query latency have samples too.
        let query = try await offPool { try stack.graphQL(#"{"query":"{ health }"}"#) }
        #expect(query.status == 200, "\(query.text)")

        let expected = try await {
            for _ in 0..<100 {
                if let value = try await offPool({ try Self.adminUtilization(stack, tenant: "demo") }) { return value }
                try await Task.sleep(for: .milliseconds(100))
            }
            return -1
        }()
        #expect(expected >= 0.8 && expected < 1, "admin status utilization of demo: \(expected)")

        // Budget gauges refresh every 5 s inside safemut; Prometheus scrapes and records every second.
        try await Self.eventually("intelgraph:daily_utilization_ratio{tenant=\"demo\"} == \(expected)") {
            let result = try prometheus.query(#"intelgraph:daily_utilization_ratio{tenant="demo"}"#)
            guard let series = result.series.first, result.series.count == 1 else { return "series: \(result.series)" }
            guard series.labels["canary"] == "true" else { return "labels: \(series.labels)" }
            guard let value = Double(series.value), abs(value - expected) < 1e-9 else { return "value \(series.value)" }
            return nil
        }

        try await Self.eventually("CanaryDailyBudgetApproaching{tenant=\"demo\"} pending or firing") {
            let alerts = try prometheus.alerts()
            let mine = alerts.filter { $0.labels["alertname"] == "CanaryDailyBudgetApproaching" && $0.labels["tenant"] == "demo" }
            guard let alert = mine.first, ["pending", "firing"].contains(alert.state) else { return "alerts: \(alerts)" }
            guard alert.labels["tenant_type"] == "canary", alert.labels["severity"] == "warning" else { return "labels: \(alert.labels)" }
            return nil
        }
        // 96 % is below 100 %: the critical alert must be quiet. It may have been pending for a
        // moment: a gauge refresh that caught the sixth mutation reserved but not yet settled saw
        // $0.08 spent + $0.02 reserved = 100 %, which is what the ledger enforces (reserved money
        // counts). Once the settled figure is scraped the condition is false and the alert goes.
        try await Self.eventually("CanaryDailyBudgetExceeded quiet at 96 %") {
            let exceeded = try prometheus.alerts().filter { $0.labels["alertname"] == "CanaryDailyBudgetExceeded" }
            return exceeded.isEmpty ? nil : "\(exceeded)"
        }

        try await Self.eventually("every rule evaluates without error") {
            let rules = try prometheus.ruleHealth()
            let bad = rules.filter { $0.health != "ok" }
            return rules.isEmpty ? "no rules loaded" : bad.isEmpty ? nil : "\(bad)"
        }

        // The live scrape: parsed and linted by promtool, and the names for the event list.
        let exposition = try await offPool { try stack.request("GET", "/metrics").text }
        let exported = Self.metricNames(exposition)
        let lint = try await offPool { () -> (status: Int32, stdout: String) in
            let file = NSTemporaryDirectory() + "safemut-metrics-\(UUID().uuidString.prefix(8)).txt"
            try exposition.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file) }
            return try PrometheusServer.run(ProcessInfo.processInfo.environment["PROMTOOL"] ?? "/usr/bin/promtool", ["check", "metrics"], stdinFile: file)
        }
        // 0: clean; 3: lint findings only; 1: the exposition did not parse.
        #expect(lint.status == 0 || lint.status == 3, "promtool check metrics: \(lint.stdout)")
        let findings = lint.stdout.split(separator: "\n").map(String.init).filter { !Self.knownLint($0) }
        #expect(findings.isEmpty, "new promtool check metrics findings: \(findings)")

        // Every dashboard expression parses and, unless it reads only event metrics that are not
        // exported yet, returns at least one series.
        let expressions = try Self.dashboardExpressions()
        #expect(expressions.count >= 40, "\(expressions.count) dashboard expressions")
        let eventMetrics = Self.eventMetrics
        try await Self.eventually("every dashboard expression answers with series") {
            var missing: [String] = []
            for expression in expressions {
                let result = try prometheus.query(expression)
                guard result.status == "success" else {
                    missing.append("\(expression): \(result.status) \(result.error ?? "")")
                    continue
                }
                let waitingFor = eventMetrics.keys.filter { expression.contains($0) && !exported.contains($0) }
                if result.series.isEmpty && waitingFor.isEmpty { missing.append(expression) }
            }
            return missing.isEmpty ? nil : missing.joined(separator: "\n")
        }
    }
}
