import Foundation
import Testing
import TestSupport

/// Issue 13 items 3 and 6 through the real binary: counters exist at zero on a fresh
/// gateway, a replica without its ledger says so in /metrics, and a production gateway
/// refuses to start with a check silently missing.
@Suite("Safe defaults: zero counters, admission_step_enabled, require_enforcement", .serialized)
struct SafeDefaultsTests {
    static func metrics(_ port: Int) async throws -> String {
        try await offPool {
            let client = try RawHTTPClient(port: port, timeout: 15)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().text
        }
    }

    @Test("a fresh gateway with its ledger exports budget_denials_total and budget_enforcement_errors_total at 0, and debit enabled")
    func countersAtZero() async throws {
        let url = try await offPool { try PQStack.migratedDatabase() }
        let stack = try await offPool { try DemoStack(environment: ["DATABASE_URL": url]) }
        let text = try await Self.metrics(stack.gatewayPort)
        for reason in ["daily", "monthly", "unknown_tenant"] {
            #expect(text.contains(#"budget_denials_total{reason="\#(reason)",tenant="(unknown)"} 0"#), "\(reason)")
        }
        for kind in ["fail_open", "fail_closed"] {
            #expect(text.contains(#"budget_enforcement_errors_total{kind="\#(kind)"} 0"#), "\(kind)")
        }
        #expect(text.contains(#"http_requests_total{route="/graphql",status="503"} 0"#))
        #expect(text.contains(#"four_eyes_errors_total{kind="store"} 0"#))
        #expect(text.contains(#"admission_step_enabled{step="debit"} 1"#))
        #expect(text.contains(#"admission_step_enabled{step="four_eyes"} 1"#))
    }

    @Test("without database.url the gateway starts (development), warns, and exports admission_step_enabled{step=\"debit\"} 0")
    func ledgerMissingIsVisible() async throws {
        let stack = try await offPool { try DemoStack() }
        let text = try await Self.metrics(stack.gatewayPort)
        #expect(text.contains(#"admission_step_enabled{step="debit"} 0"#))
        #expect(text.contains(#"admission_step_enabled{step="rate"} 0"#))
        #expect(text.contains(#"admission_step_enabled{step="identify"} 1"#))
        #expect(stack.gateway.output().contains("database.url is not set"))
    }

    @Test("environment: production without database.url or redis.url refuses to start and names each missing key")
    func productionRefusesGaps() async throws {
        let output = try await offPool { () throws -> (Int32?, String) in
            let port = Ports.free()
            let path = try ServeConfig.write(ServeConfig.minimal(port: port, extra: "environment: production"), label: "prod")
            defer { try? FileManager.default.removeItem(atPath: path) }
            var env = ProcessInfo.processInfo.environment
            for key in ["DATABASE_URL", "REDIS_URL", "ENVIRONMENT"] { env[key] = nil }
            let process = try ManagedProcess.serve(config: path, environment: env, name: "safemut-prod")
            let status = process.waitForExit(timeout: 20)
            return (status, process.output())
        }
        #expect(output.0 == 2, "\(output.1)")
        #expect(output.1.contains("require_enforcement"))
        #expect(output.1.contains("debit: database.url is not set"))
        #expect(output.1.contains("budget.enabled: false"))
        #expect(output.1.contains("four_eyes: database.url"))
        #expect(output.1.contains("rate: redis.url"))
    }

    @Test("environment: production with every check turned off by name starts, and says so in /metrics")
    func productionExplicitOptOut() async throws {
        let stack = try await offPool {
            try DemoStack(extraYAML: """
                environment: production
                budget:
                  enabled: false
                four_eyes:
                  enabled: false
                rate:
                  enabled: false
                """)
        }
        let text = try await Self.metrics(stack.gatewayPort)
        #expect(text.contains(#"admission_step_enabled{step="debit"} 0"#))
        #expect(text.contains(#"admission_step_enabled{step="four_eyes"} 0"#))
        #expect(stack.gateway.output().contains("budget.enabled: false"))
    }
}
