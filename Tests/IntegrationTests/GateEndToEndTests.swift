import Foundation
import Testing
import TestSupport

/// Issue 16 against real parts: a live gateway over intelgraph-demo, a real Prometheus
/// scraping it, Postgres for runs, sign-offs and the audit anchor, the `safemut` binary,
/// `openssl` for keys and an independent Python verifier of the evidence.
@Suite("go/no-go gates end to end", .serialized)
struct GateEndToEndTests {
    /// Runs the built `safemut` with `arguments` from the repository root.
    static func safemut(_ arguments: [String], environment extra: [String: String]) throws -> (status: Int32?, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment.merge(extra) { _, new in new }
        let process = try ManagedProcess(
            name: "safemut-\(arguments.first ?? "")", executable: try Binaries.path("safemut"), arguments: arguments,
            environment: environment, currentDirectory: Binaries.repositoryRoot)
        let status = process.waitForExit(timeout: 120)
        return (status, process.output())
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32?, output: String) {
        let process = try ManagedProcess(name: (executable as NSString).lastPathComponent, executable: executable, arguments: arguments, currentDirectory: Binaries.repositoryRoot)
        let status = process.waitForExit(timeout: 120)
        return (status, process.output())
    }

    /// The shipped G1 (its queries exactly) over a short window, so a test can judge it.
    static func shortG1(window: String) throws -> String {
        let text = try String(contentsOfFile: Binaries.repositoryRoot + "/ops/go-no-go-matrix.yaml", encoding: .utf8)
        let start = try #require(text.range(of: "  - id: G1\n"))
        let end = try #require(text.range(of: "  - id: G2\n"))
        let block = text[start.lowerBound..<end.lowerBound]
            .replacingOccurrences(of: "    window: 60m\n", with: "    window: \(window)\n")
            .replacingOccurrences(of: "    step: 1m\n", with: "    step: 1s\n")
        let path = NSTemporaryDirectory() + "g1-\(UUID().uuidString.prefix(8)).yaml"
        try ("version: 1\ndefaults:\n  min_samples: 8\ngates:\n" + block).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Bounded traffic: queries and mutations for `seconds` (at most 40 per second, 1,200 in all).
    static func traffic(_ stack: PQStack, seconds: Double) throws -> [Int: Int] {
        var statuses: [Int: Int] = [:]
        let deadline = Date().addingTimeInterval(seconds)
        var sent = 0
        while Date() < deadline && sent < 1_200 {
            for body in [#"{"query":"{ health }"}"#, #"{"query":"mutation { SafeNoop }"}"#] {
                let answer = try stack.graphQL(body, tenant: "test")
                statuses[answer.status, default: 0] += 1
                sent += 1
            }
            usleep(50_000)
        }
        return statuses
    }

    static func json(_ output: String) throws -> [String: Any] {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("{\"kind\":\"safemut.gates/v1\"") }, "no run JSON in: \(output)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static func gate(_ run: [String: Any], _ id: String) -> [String: Any]? {
        (run["gates"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test("G1 over a live gateway: PASS healthy, FAIL at 5 % upstream errors; unreachable Prometheus is INCONCLUSIVE; the evidence verifies independently and fails after tampering; G8 needs three distinct people")
    func gatesEndToEnd() async throws {
        let stack = try await offPool { try PQStack(phase: "log") }
        let prometheus = try await offPool { try PrometheusServer(scrapePort: stack.port) }
        let environment = ["PROMQL_URL": "http://127.0.0.1:\(prometheus.port)", "DATABASE_URL": stack.databaseURL]
        let work = NSTemporaryDirectory() + "gates-e2e-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        // Healthy: every point of the window meets the seed's SLOs.
        let healthy = try await offPool { try Self.traffic(stack, seconds: 20) }
        #expect(healthy.keys.allSatisfy { $0 < 500 }, "healthy traffic: \(healthy)")
        let matrix = try Self.shortG1(window: "15s")
        let passed = try await offPool {
            try Self.safemut(["gate", "validate", "--gate", "G1", "--matrix", matrix, "--release", "v9.9.9", "--output", work + "/run.json"], environment: environment)
        }
        #expect(passed.status == 0, "\(passed.output)")
        let passRun = try Self.json(passed.output)
        #expect(passRun["overall"] as? String == "PASS", "\(passed.output)")
        let checks = try #require(Self.gate(passRun, "G1")?["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["graphql_p95_seconds", "write_p95_seconds", "availability"])
        for check in checks {
            #expect((check["samples"] as? Int ?? 0) >= 8, "\(check)")
            #expect((check["query"] as? String)?.contains("[5m]") == true)
        }
        #expect(passed.output.contains("recorded as gate run"), "\(passed.output)")

        // GET /admin/gates shows the run just recorded.
        let shown = try await offPool { try stack.admin("GET", "/admin/gates", roles: "sre") }
        #expect(shown.status == 200 && shown.text.contains("\"overall\":\"PASS\""), "\(shown.text)")

        // Prometheus unreachable: INCONCLUSIVE with the reason, exit 3.
        let unreachable = try await offPool {
            try Self.safemut(["gate", "validate", "--gate", "G1", "--matrix", matrix], environment: environment.merging(["PROMQL_URL": "http://127.0.0.1:\(Ports.free())"]) { _, new in new })
        }
        #expect(unreachable.status == 3, "\(unreachable.output)")
        #expect(try Self.json(unreachable.output)["overall"] as? String == "INCONCLUSIVE")
        #expect(unreachable.output.contains("Prometheus unreachable"))

        // An empty range (a series Prometheus does not have) is no data: INCONCLUSIVE, never PASS.
        let emptyMatrix = work + "/empty.yaml"
        try """
            version: 1
            gates:
              - id: G1
                source: prometheus
                window: 15s
                step: 1s
                min_samples: 1
                checks:
                  - {name: nothing, query: "sum(rate(no_such_metric_total[5m]))", threshold: ">= 0"}
            """.write(toFile: emptyMatrix, atomically: true, encoding: .utf8)
        let empty = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G1", "--matrix", emptyMatrix], environment: environment) }
        #expect(empty.status == 3, "\(empty.output)")
        #expect(empty.output.contains("no data, 1 needed"), "\(empty.output)")

        // The evidence of the PASS run: written, verified by us and by an independent verifier.
        for (name, args) in [("key.pem", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", work + "/key.pem"]),
                             ("other.pem", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", work + "/other.pem"])] {
            let made = try Self.run("/usr/bin/openssl", args)
            #expect(made.status == 0, "\(name): \(made.output)")
        }
        for name in ["key", "other"] {
            _ = try Self.run("/usr/bin/openssl", ["pkey", "-in", work + "/\(name).pem", "-pubout", "-out", work + "/\(name).pub.pem"])
        }
        let bundle = work + "/bundle"
        let bundled = try await offPool {
            try Self.safemut(["evidence", "bundle", "--release", "v9.9.9", "--out", bundle, "--key", work + "/key.pem",
                              "--artifact", "safemut=\(try Binaries.path("safemut"))", "--results", work + "/run.json", "--matrix", matrix], environment: environment)
        }
        #expect(bundled.status == 0, "\(bundled.output)")
        let verified = try await offPool { try Self.safemut(["evidence", "verify", bundle, "--key", work + "/key.pub.pem"], environment: environment) }
        #expect(verified.status == 0 && verified.output.contains("evidence bundle valid"), "\(verified.output)")
        let independent = try Self.run("/usr/bin/python3", [Binaries.repositoryRoot + "/scripts/verify-evidence.py", bundle, work + "/key.pub.pem"])
        #expect(independent.status == 0, "\(independent.output)")
        #expect(independent.output.contains("securesystemslib verified"), "\(independent.output)")
        #expect(FileManager.default.fileExists(atPath: bundle + "/inputs"), "the Prometheus answers are kept as evidence")

        // Each kind of tampering is detected, by us and by the independent verifier.
        @Sendable func tampered(_ name: String, _ change: (String) throws -> Void) throws -> (ours: Int32?, theirs: Int32?, output: String) {
            let copy = work + "/" + name
            _ = try Self.run("/bin/cp", ["-a", bundle, copy])
            try change(copy)
            let ours = try Self.safemut(["evidence", "verify", copy, "--key", work + "/key.pub.pem"], environment: environment)
            let theirs = try Self.run("/usr/bin/python3", [Binaries.repositoryRoot + "/scripts/verify-evidence.py", copy, work + "/key.pub.pem"])
            return (ours.status, theirs.status, ours.output + theirs.output)
        }
        let flipped = try await offPool {
            try tampered("flip") { copy in
                let path = copy + "/gate-results.json"
                var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                bytes[bytes.count / 2] ^= 0x01
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
        }
        #expect(flipped.ours == 1 && flipped.theirs == 1, "a flipped byte: \(flipped.output)")
        let removed = try await offPool {
            try tampered("removed") { copy in
                try FileManager.default.removeItem(atPath: copy + "/statements/G1.intoto.dsse.json")
                // Rewrite the manifest consistently, as an attacker would.
                var manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: copy + "/manifest.json"))) as? [String: Any])
                manifest["files"] = (manifest["files"] as? [[String: Any]])?.filter { $0["path"] as? String != "statements/G1.intoto.dsse.json" }
                try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: copy + "/manifest.json"))
            }
        }
        #expect(removed.ours == 1 && removed.theirs == 1, "a removed statement: \(removed.output)")
        let otherKey = try await offPool { try Self.safemut(["evidence", "verify", bundle, "--key", work + "/other.pub.pem"], environment: environment) }
        #expect(otherKey.status == 1 && otherKey.output.contains("no signature verifies"), "another key: \(otherKey.output)")
        let otherKeyIndependent = try Self.run("/usr/bin/python3", [Binaries.repositoryRoot + "/scripts/verify-evidence.py", bundle, work + "/other.pub.pem"])
        #expect(otherKeyIndependent.status == 1, "another key, independent verifier: \(otherKeyIndependent.output)")

        // G8: three distinct people with the named roles, recorded through the admin API.
        let ops = Binaries.repositoryRoot + "/ops/go-no-go-matrix.yaml"
        let waiting = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G8", "--matrix", ops, "--release", "v9.9.9"], environment: environment) }
        #expect(waiting.status == 3 && waiting.output.contains("awaiting sign-off by release_lead, sre, support_lead"), "\(waiting.output)")
        for (user, role) in [("rita", "release_lead"), ("sam", "sre"), ("sue", "support_lead")] {
            let signed = try await offPool {
                try stack.admin("POST", "/admin/gates/approvals", body: #"{"gate":"G8","release":"v9.9.9","note":"ready"}"#, roles: role, extra: ["X-User-Id": user])
            }
            #expect(signed.status == 201, "\(signed.text)")
        }
        let refused = try await offPool { try stack.admin("POST", "/admin/gates/approvals", body: #"{"gate":"G8","release":"v9.9.9"}"#, roles: "admin") }
        #expect(refused.status == 403, "an admin may not sign off for others: \(refused.text)")
        let approved = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G8", "--matrix", ops, "--release", "v9.9.9"], environment: environment) }
        #expect(approved.status == 0, "\(approved.output)")
        #expect(approved.output.contains("signed off by rita (release_lead), sam (sre), sue (support_lead)"), "\(approved.output)")

        // G6 over the live ledger and the request counter: the month's spend of this stack's
        // traffic against a $1,000 budget passes the burn; the demo's per-call cost (about
        // $0.0001 a call) is far above $2 per million calls, so the unit cost fails, exactly.
        let g6Config = work + "/g6.yaml"
        @Sendable func g6(budget: String) throws -> (status: Int32?, output: String) {
            try """
                database:
                  url: \(stack.databaseURL)
                promql:
                  url: http://127.0.0.1:\(prometheus.port)
                finops:
                  budgets:
                    llm:
                      monthly_usd: \(budget)
                """.write(toFile: g6Config, atomically: true, encoding: .utf8)
            return try Self.safemut(["gate", "validate", "--gate", "G6", "--matrix", ops, "--config", g6Config], environment: [:])
        }
        let roomy = try await offPool { try g6(budget: "1000") }
        #expect(roomy.status == 1, "\(roomy.output)")
        let roomyChecks = try #require(Self.gate(try Self.json(roomy.output), "G6")?["checks"] as? [[String: Any]])
        let burn = roomyChecks.first { $0["name"] as? String == "burn_ratio" }
        let unit = roomyChecks.first { $0["name"] as? String == "unit_cost_usd_per_million_calls" }
        #expect(burn?["verdict"] as? String == "PASS", "\(String(describing: burn))")
        #expect(unit?["verdict"] as? String == "FAIL", "\(String(describing: unit))")
        #expect((unit?["query"] as? String)?.contains("[$__month]") == false, "the month placeholder is resolved: \(String(describing: unit))")
        // A budget smaller than what was spent: the burn fails too.
        let tight = try await offPool { try g6(budget: "0.000001") }
        let tightBurn = (Self.gate(try Self.json(tight.output), "G6")?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "burn_ratio" }
        #expect(tightBurn?["verdict"] as? String == "FAIL", "\(String(describing: tightBurn))")

        // 5 % of upstream answers fail: G1's availability misses 99.9 %.
        let faults = try RawHTTPClient.exchange(port: stack.stack.upstreamPort, "PUT", "/demo/faults", body: #"{"error_percent":5}"#, headers: [:])
        #expect(faults.status == 200, "\(faults.text)")
        let faulty = try await offPool { try Self.traffic(stack, seconds: 20) }
        #expect(faulty.keys.contains { $0 >= 500 }, "faulty traffic: \(faulty)")
        let failed = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G1", "--matrix", matrix], environment: environment) }
        #expect(failed.status == 1, "\(failed.output)")
        let failRun = try Self.json(failed.output)
        #expect(failRun["overall"] as? String == "FAIL")
        let availability = (Self.gate(failRun, "G1")?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "availability" }
        #expect(availability?["verdict"] as? String == "FAIL", "\(String(describing: availability))")

        // Rewriting the audit log after bundling is detected.
        let rewrite = try await offPool { () -> (status: Int32?, output: String) in
            _ = try DataCommand.check("/usr/bin/psql", [stack.databaseURL, "-v", "ON_ERROR_STOP=1", "-c",
                "ALTER TABLE audit_log DISABLE TRIGGER USER; UPDATE audit_log SET reason = 'rewritten' WHERE seq = 1; ALTER TABLE audit_log ENABLE TRIGGER USER;"], timeout: 30)
            return try Self.safemut(["evidence", "verify", bundle, "--key", work + "/key.pub.pem"], environment: environment)
        }
        #expect(rewrite.status == 1 && rewrite.output.contains("TAMPERED"), "a rewritten audit log: \(rewrite.output)")
    }

    /// The shipped G5 with its file pointed at `summary`.
    static func g5(reading summary: String) throws -> String {
        let text = try String(contentsOfFile: Binaries.repositoryRoot + "/ops/go-no-go-matrix.yaml", encoding: .utf8)
        let start = try #require(text.range(of: "  - id: G5\n"))
        let end = try #require(text.range(of: "  - id: G6\n"))
        let block = text[start.lowerBound..<end.lowerBound]
            .replacingOccurrences(of: "    file: loadtest/summary.json\n", with: "    file: \(summary)\n")
        let path = NSTemporaryDirectory() + "g5-\(UUID().uuidString.prefix(8)).yaml"
        try ("version: 1\ngates:\n" + block).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `ops/load-test.sh` (Debian's locust, headless) against the gateway, bounded: 4 users,
    /// `seconds`; its files land in `directory`.
    static func loadTest(port: Int, seconds: Int, directory: String) throws -> (status: Int32?, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment["BASE_URL"] = "http://127.0.0.1:\(port)"
        environment["PQ_PHASE"] = "log"
        environment["LOAD_TENANTS"] = "test"
        environment["LOAD_WAIT_SECONDS"] = "0.1"
        environment["USERS"] = "4"
        environment["SPAWN_RATE"] = "4"
        environment["DURATION"] = "\(seconds)s"
        environment["OUT_DIR"] = directory
        let process = try ManagedProcess(
            name: "load-test", executable: "/bin/bash", arguments: [Binaries.repositoryRoot + "/ops/load-test.sh"],
            environment: environment, currentDirectory: NSTemporaryDirectory())
        let status = process.waitForExit(timeout: Double(seconds) + 60)
        return (status, process.output())
    }

    @Test("G5 over a real locust run through the gateway: INCONCLUSIVE until QE confirms, then PASS; an upstream failing half its answers FAILs it")
    func loadTestGate() async throws {
        // The canary class's mutation rate would answer 429s: a typed refusal the load test counts as correct, but fewer mutations.
        let stack = try await offPool {
            try PQStack(phase: "log", extraYAML: """
                rate:
                  tenants:
                    test:
                      tenant_per_second: 1000
                      tenant_burst: 1000
                      operation_per_second: 1000
                      operation_burst: 1000
                """)
        }
        let environment = ["DATABASE_URL": stack.databaseURL]
        let work = NSTemporaryDirectory() + "gates-g5-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let healthy = try await offPool { try Self.loadTest(port: stack.port, seconds: 16, directory: work + "/healthy") }
        #expect(healthy.status == 0, "load test: \(healthy.output)")
        #expect(healthy.output.contains("mutation DeleteEntity (four-eyes)") && healthy.output.contains("error ratio 0.0"), "\(healthy.output)")
        let matrix = try Self.g5(reading: work + "/healthy/summary.json")
        let waiting = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G5", "--matrix", matrix, "--release", "v9.9.9"], environment: environment) }
        #expect(waiting.status == 3, "\(waiting.output)")
        #expect(waiting.output.contains("awaiting sign-off by qe for v9.9.9"), "\(waiting.output)")
        let checks = try #require(Self.gate(try Self.json(waiting.output), "G5")?["checks"] as? [[String: Any]])
        #expect(checks.allSatisfy { $0["verdict"] as? String == "PASS" }, "\(checks)")
        #expect(checks.allSatisfy { ($0["samples"] as? Int ?? 0) >= 10 }, "\(checks)")
        let confirmed = try await offPool {
            try stack.admin("POST", "/admin/gates/approvals", body: #"{"gate":"G5","release":"v9.9.9","note":"k6-equivalent run reviewed"}"#, roles: "qe", extra: ["X-User-Id": "quinn"])
        }
        #expect(confirmed.status == 201, "\(confirmed.text)")
        let passed = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G5", "--matrix", matrix, "--release", "v9.9.9"], environment: environment) }
        #expect(passed.status == 0, "\(passed.output)")
        #expect(passed.output.contains("signed off by quinn (qe)"))

        let faults = try RawHTTPClient.exchange(port: stack.stack.upstreamPort, "PUT", "/demo/faults", body: #"{"error_percent":50}"#, headers: [:])
        #expect(faults.status == 200, "\(faults.text)")
        let failing = try await offPool { try Self.loadTest(port: stack.port, seconds: 14, directory: work + "/failing") }
        #expect(failing.status == 1, "the load test exits 1 when requests failed: \(failing.output)")
        let failedMatrix = try Self.g5(reading: work + "/failing/summary.json")
        let failed = try await offPool { try Self.safemut(["gate", "validate", "--gate", "G5", "--matrix", failedMatrix, "--release", "v9.9.9"], environment: environment) }
        #expect(failed.status == 1, "\(failed.output)")
        let errorRatio = (Self.gate(try Self.json(failed.output), "G5")?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "error_ratio" }
        #expect(errorRatio?["verdict"] as? String == "FAIL", "\(String(describing: errorRatio))")
        #expect((errorRatio?["longest_failing_run"] as? Int ?? 0) >= 2)
    }
}
