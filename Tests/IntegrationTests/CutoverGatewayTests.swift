import Foundation
import Glibc
import Postgres
import Synchronization
import Testing
import TestSupport

/// Two safemut replicas, one Postgres, one Redis, a stable and a canary intelgraph-demo:
/// the cutover as SPEC §10 describes it, through the real binaries and sockets.
final class CutoverStack: Sendable {
    let stable: ManagedProcess
    let canary: ManagedProcess
    let stablePort: Int
    let canaryPort: Int
    let gateways: [ManagedProcess]
    let gatewayPorts: [Int]
    let configPaths: [String]
    let databaseURL: String

    /// `canaryYAML` goes under `canary:` (indented by the caller as two spaces).
    let redisURL: String
    let canaryYAML: String

    init(canaryYAML: String, replicas: Int = 2, redisURL: String? = nil, databaseURL: String? = nil) throws {
        self.databaseURL = try databaseURL ?? PQStack.migratedDatabase()
        let databaseURL = self.databaseURL
        let redisURL = try redisURL ?? DataServers.sharedRedis().url
        self.redisURL = redisURL
        self.canaryYAML = canaryYAML
        stablePort = Ports.free()
        canaryPort = Ports.free()
        stable = try ManagedProcess(
            name: "intelgraph-demo", executable: try Binaries.path("intelgraph-demo"), arguments: ["--listen", "127.0.0.1:\(stablePort)"])
        canary = try ManagedProcess(
            name: "intelgraph-demo", executable: try Binaries.path("intelgraph-demo"), arguments: ["--listen", "127.0.0.1:\(canaryPort)"])
        try Ports.waitUntilListening(stablePort, process: stable)
        try Ports.waitUntilListening(canaryPort, process: canary)
        var gateways: [ManagedProcess] = []
        var ports: [Int] = []
        var paths: [String] = []
        for _ in 0..<replicas {
            let (gateway, port, path) = try Self.replica(
                stablePort: stablePort, canaryPort: canaryPort, canaryYAML: canaryYAML, databaseURL: databaseURL, redisURL: redisURL)
            gateways.append(gateway)
            ports.append(port)
            paths.append(path)
        }
        self.gateways = gateways
        gatewayPorts = ports
        configPaths = paths
    }

    /// One more safemut process on a free port with this stack's config (a restarted
    /// replica, for instance); the caller stops it.
    func extraReplica() throws -> (ManagedProcess, Int) {
        let (gateway, port, path) = try Self.replica(
            stablePort: stablePort, canaryPort: canaryPort, canaryYAML: canaryYAML, databaseURL: databaseURL, redisURL: redisURL)
        try? FileManager.default.removeItem(atPath: path)
        return (gateway, port)
    }

    static func replica(
        stablePort: Int, canaryPort: Int, canaryYAML: String, databaseURL: String, redisURL: String
    ) throws -> (ManagedProcess, Int, String) {
        let port = Ports.free()
        let yaml = DemoStack.yaml(gatewayPort: port, upstreamPort: stablePort, extra: """
            log:
              level: warning
            canary:
              upstream:
                url: http://127.0.0.1:\(canaryPort)
            \(canaryYAML)
            """)
        let path = try ServeConfig.write(yaml, label: "cutover")
        var env = ProcessInfo.processInfo.environment
        for key in ["UPSTREAM_URL", "PQ_PHASE", "PQ_BYPASS", "CANARY_ENABLE", "CANARY_UPSTREAM_URL"] { env[key] = nil }
        env["DATABASE_URL"] = databaseURL
        env["REDIS_URL"] = redisURL
        let gateway = try ManagedProcess.serve(config: path, environment: env)
        try Ports.waitUntilListening(port, process: gateway)
        return (gateway, port, path)
    }

    deinit {
        for gateway in gateways { gateway.stop() }
        stable.stop()
        canary.stop()
        for path in configPaths { try? FileManager.default.removeItem(atPath: path) }
    }

    /// One HTTP request to `port`.
    static func call(_ port: Int, _ method: String, _ path: String, body: String = "", headers: [String: String] = [:]) throws -> RawHTTPClient.Response {
        try RawHTTPClient.exchange(port: port, method, path, body: body, headers: headers, timeout: 15)
    }

    /// An admin call on replica `replica` as `user` with `roles`.
    func admin(_ replica: Int, _ method: String, _ path: String, body: String = "", user: String = "rel-1", roles: String = "sre") throws -> RawHTTPClient.Response {
        try Self.call(gatewayPorts[replica], method, path, body: body, headers: ["X-Tenant": "ops", "X-User-Id": user, "X-Roles": roles])
    }

    /// The cutover status of replica `replica`.
    func status(_ replica: Int) throws -> [String: Any] {
        let response = try admin(replica, "GET", "/admin/cutover")
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    /// `upstream_requests_total{arm=…,class="2xx"}` of replica `replica`.
    func armCount(_ replica: Int, _ arm: String) throws -> Double {
        let text = try Self.call(gatewayPorts[replica], "GET", "/metrics").text
        return metricValue(text, #"upstream_requests_total{arm="\#(arm)",class="2xx"}"#) ?? 0
    }

    /// Sets the canary demo's faults.
    func degradeCanary(_ json: String) throws {
        let response = try Self.call(canaryPort, "PUT", "/demo/faults", body: json)
        precondition(response.status == 200, "demo faults: \(response.text)")
    }
}

/// Sends `{ health }` queries as 400 tenants across the replicas until stopped (bounded:
/// at most `limit` requests and `seconds` seconds), so both arms always have samples.
final class BackgroundLoad: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    let sent = Atomic<Int>(0)

    init(ports: [Int], limit: Int = 200_000, seconds: Double = 120) {
        let thread = Thread { [self] in
            let deadline = Date().addingTimeInterval(seconds)
            var clients: [Int: RawHTTPClient] = [:]
            var n = 0
            while !self.stopFlag.load(ordering: .relaxed), n < limit, Date() < deadline {
                let port = ports[n % ports.count]
                let body = #"{"query":"{ health }"}"#
                do {
                    let client = try clients[port] ?? RawHTTPClient(port: port, timeout: 10)
                    clients[port] = client
                    try client.send("POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tenant: t-\(n % 400)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
                    _ = try client.readResponse(method: "POST")
                } catch {
                    clients[port] = nil
                }
                n += 1
                self.sent.store(n, ordering: .relaxed)
            }
            self.done.signal()
        }
        thread.start()
    }

    func stop() {
        stopFlag.store(true, ordering: .relaxed)
        done.wait()
    }
}

@Suite("Canary cutover across two replicas", .serialized)
struct CutoverGatewayTests {
    /// Short windows for a test: the rules of the seeds with 5 s windows and 2 s durations.
    /// The latency rules are off here: both arms are the same binary on a loaded 2-core
    /// machine, where sub-millisecond p95s differ by more than 20 % by chance; the judge's
    /// latency rules are proven on exact figures in CutoverTests.
    static let fastRules = """
          min_samples: 20
          poll_ms: 1000
          rules:
            latency_vs_stable:
              enabled: false
            latency_vs_baseline:
              enabled: false
            error_ratio:
              window: 5s
              for: 2s
            burn_rate:
              window: 5s
              for: 2s
            cost_per_request:
              window: 5s
              for: 2s
            security:
              window: 5s
        """

    /// Waits up to `seconds` for `condition`, checking every 100 ms; the time it took.
    static func within(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if try condition() { return Date().timeIntervalSince(start) }
            usleep(100_000)
        }
        return nil
    }

    @Test("5 → 25 → 50 → 100 with 2 s holds, auto-promotion and the seed's stage owners; both replicas route each weight; it completes")
    func walk() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: "  auto_promote: true\n" + Self.fastRules)
            let load = BackgroundLoad(ports: stack.gatewayPorts)
            defer { load.stop() }
            let started = try stack.admin(0, "POST", "/admin/cutover", body: #"{"strategy":"canary","stages":[5,25,50,100],"hold_seconds":2}"#)
            #expect(started.status == 200, "\(started.text)")
            let owners: [[(String, String)]] = [[("sre-2", "sre")], [("po-1", "product_owner"), ("tl-1", "tech_lead")], [("sre-2", "sre"), ("sec-1", "security_admin")]]
            for (index, signers) in owners.enumerated() {
                let weight = [5, 25, 50][index]
                let reached = try Self.within(20) { try stack.status(1)["routed_weight_percent"] as? Int == weight }
                #expect(reached != nil, "replica 2 never routed \(weight) %: \((try? stack.status(1)) ?? [:])")
                // Held green but not signed off: it stays.
                Thread.sleep(forTimeInterval: 3)
                #expect(try stack.status(0)["weight_percent"] as? Int == weight, "promoted without its sign-offs")
                for (person, role) in signers {
                    let signed = try stack.admin(0, "POST", "/admin/cutover/approvals", body: "{}", user: person, roles: role)
                    #expect(signed.status == 200, "\(person): \(signed.text)")
                }
            }
            let completed = try Self.within(30) { try stack.status(1)["status"] as? String == "completed" }
            #expect(completed != nil, "\((try? stack.status(0)) ?? [:])")
            #expect(try stack.status(0)["weight_percent"] as? Int == 100)
            #expect(try stack.armCount(0, "canary") + stack.armCount(1, "canary") > 0)
            let audit = try Self.auditActions(stack.databaseURL)
            #expect(audit.filter { $0 == "cutover.promote" }.count == 4, "\(audit)")
            #expect(audit.filter { $0 == "cutover.sign_off" }.count == 5)
            // Each promotion keeps the stage's summary: both arms' figures, verdicts, sign-offs.
            let first = try Self.query(stack.databaseURL, """
                SELECT (detail->'summary'->'canary'->>'requests') || ' ' || (detail->'summary'->'stable'->>'requests') || ' '
                       || (detail->'summary'->>'verdict') || ' ' || jsonb_array_length(detail->'summary'->'sign_offs')
                FROM canary_stage_history WHERE event = 'promote' ORDER BY id LIMIT 1
                """).first?.split(separator: " ") ?? []
            #expect(first.count == 4 && (Int(first[0]) ?? 0) > 0 && (Int(first[1]) ?? 0) > 0, "\(first)")
            #expect(first.count == 4 && first[2] == "pass" && first[3] == "1", "\(first)")
        }
    }

    @Test("a canary answering 50 % errors is rolled back by the judge on both replicas within the window, and the audit says why")
    func degradedRollsBack() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules)
            let load = BackgroundLoad(ports: stack.gatewayPorts)
            defer { load.stop() }
            let started = try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100],"hold_seconds":600}"#)
            #expect(started.status == 200, "\(started.text)")
            let routed = try Self.within(10) { try stack.status(1)["routed_weight_percent"] as? Int == 25 }
            #expect(routed != nil)
            try stack.degradeCanary(#"{"error_percent":50}"#)
            let rolled = try Self.within(30) {
                try stack.status(0)["routed_weight_percent"] as? Int == 0 && stack.status(1)["routed_weight_percent"] as? Int == 0
            }
            #expect(rolled != nil, "\((try? stack.status(0)) ?? [:])")
            #expect(try stack.status(1)["status"] as? String == "rolled_back")
            let reasons = try Self.auditReasons(stack.databaseURL, action: "cutover.rollback")
            #expect(reasons.contains { $0.contains("error_ratio fail") }, "\(reasons)")
            let ratio = try Self.query(stack.databaseURL, """
                SELECT detail->'summary'->'canary'->>'error_ratio_ppm' FROM canary_stage_history WHERE event = 'rollback' ORDER BY id LIMIT 1
                """)
            #expect((Int(ratio.first ?? "") ?? 0) >= 20_000, "the rollback's summary has the canary's error ratio: \(ratio)")
            // After a rollback a new cutover needs an explicit start: nothing resumes by itself.
            Thread.sleep(forTimeInterval: 2)
            #expect(try stack.status(0)["weight_percent"] as? Int == 0)
        }
    }

    @Test("a canary that answers with another tenant's id is rolled back on that request (reason security), without waiting for a window")
    func crossTenantAnswer() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[50,100],"hold_seconds":600}"#).status == 200)
            let routed = try Self.within(10) { try stack.status(1)["routed_weight_percent"] as? Int == 50 }
            #expect(routed != nil)
            try stack.degradeCanary(#"{"foreign_tenant":true}"#)
            // One synthetic request on the canary is enough: no min_samples for security.
            let leaked = try CutoverStack.call(stack.gatewayPorts[0], "POST", "/graphql", body: #"{"query":"{ health }"}"#,
                                               headers: ["X-Tenant": "t-1", "X-Canary": "canary", "X-Roles": "sre"])
            #expect(leaked.status == 200)
            let rolled = try Self.within(5) {
                try stack.status(0)["routed_weight_percent"] as? Int == 0 && stack.status(1)["routed_weight_percent"] as? Int == 0
            }
            #expect(rolled != nil, "\((try? stack.status(0)) ?? [:])")
            #expect(try Self.auditReasons(stack.databaseURL, action: "cutover.rollback").contains { $0.contains("security violation") })
            let metrics = try CutoverStack.call(stack.gatewayPorts[0], "GET", "/metrics").text
            #expect(metricValue(metrics, #"canary_rollbacks_total{reason="security"}"#) == 1)
        }
    }

    @Test("the kill switch on one replica takes the other to weight 0 (measured; at most 5 s), durably, and blocks a start")
    func killSwitch() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules)
            let started = try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[50,100],"hold_seconds":600}"#)
            #expect(started.status == 200, "\(started.text)")
            let routed = try Self.within(10) { try stack.status(1)["routed_weight_percent"] as? Int == 50 }
            #expect(routed != nil)
            let killed = try stack.admin(0, "PUT", "/admin/cutover/kill-switch", body: #"{"enable":false,"reason":"drill"}"#, roles: "security_admin")
            #expect(killed.status == 200, "\(killed.text)")
            let took = try Self.within(5) { try stack.status(1)["routed_weight_percent"] as? Int == 0 }
            #expect(took != nil)
            print("kill switch: replica 2 at weight 0 after \(took.map { String(format: "%.3f", $0) } ?? "never") s")
            let before = try stack.armCount(1, "canary")
            for n in 0..<50 {
                _ = try CutoverStack.call(stack.gatewayPorts[1], "POST", "/graphql", body: #"{"query":"{ health }"}"#, headers: ["X-Tenant": "t-\(n)"])
            }
            #expect(try stack.armCount(1, "canary") == before, "no canary traffic after the kill switch")
            let refused = try stack.admin(1, "POST", "/admin/cutover", body: "{}")
            #expect(refused.status == 409)
            #expect(refused.text.contains("kill switch"))
            #expect(try Self.auditActions(stack.databaseURL).contains("cutover.kill_switch"))
        }
    }

    @Test("bad input: a stage list not increasing or ending below 100, a sign-off by the starter or twice, rollback without confirm, a bad X-Canary")
    func badInput() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules, replicas: 1)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,5,100]}"#).status == 400)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[5,25]}"#).text.contains("end at 100"))
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":"5,25"}"#).status == 400)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stagez":[5,100]}"#).text.contains("unknown key"))
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: "{", user: "rel-1").status == 400)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: "{}", roles: "analyst").status == 403)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[5,100],"hold_seconds":600}"#).status == 200)
            let bySelf = try stack.admin(0, "POST", "/admin/cutover/approvals", body: "{}", user: "rel-1", roles: "sre")
            #expect(bySelf.status == 409)
            #expect(bySelf.text.contains("started the cutover"))
            #expect(try stack.admin(0, "POST", "/admin/cutover/approvals", body: "{}", user: "sre-2", roles: "sre").status == 200)
            let twice = try stack.admin(0, "POST", "/admin/cutover/approvals", body: "{}", user: "sre-2", roles: "sre")
            #expect(twice.status == 409)
            let early = try stack.admin(0, "POST", "/admin/cutover/promote", body: "{}")
            #expect(early.status == 409)
            #expect(early.text.contains("holds for another"))
            #expect(try stack.admin(0, "POST", "/admin/cutover/rollback", body: #"{"to":"last-stable"}"#).status == 400)
            let forced = try CutoverStack.call(stack.gatewayPorts[0], "POST", "/graphql", body: #"{"query":"{ health }"}"#,
                                               headers: ["X-Tenant": "t-1", "X-Canary": "canary", "X-Roles": "analyst"])
            #expect(forced.status == 403)
            let bad = try CutoverStack.call(stack.gatewayPorts[0], "POST", "/graphql", body: #"{"query":"{ health }"}"#,
                                            headers: ["X-Tenant": "t-1", "X-Canary": "both", "X-Roles": "sre"])
            #expect(bad.status == 400)
            let synthetic = try CutoverStack.call(stack.gatewayPorts[0], "POST", "/graphql", body: #"{"query":"{ health }"}"#,
                                                  headers: ["X-Tenant": "t-1", "X-Canary": "canary", "X-Roles": "sre"])
            #expect(synthetic.status == 200)
            #expect(try stack.armCount(0, "canary") >= 1, "a synthetic check forced onto the canary")
            // The ledger row records the arm of the mutation it debited.
            let mutation = try CutoverStack.call(
                stack.gatewayPorts[0], "POST", "/graphql", body: #"{"query":"mutation { createEntity(name: \"arm\") { id } }"}"#,
                headers: ["X-Tenant": "demo", "X-Canary": "canary", "X-Roles": "sre"])
            #expect(mutation.status == 200, "\(mutation.text)")
            let requestID = mutation.head.headers["X-Request-Id"] ?? ""
            #expect(try Self.query(stack.databaseURL, "SELECT arm FROM budget_ledger WHERE correlation_id = '\(requestID)'") == ["canary"])
            #expect(try stack.admin(0, "POST", "/admin/cutover/rollback", body: #"{"to":"last-stable","confirm":true}"#).status == 200)
            #expect(try stack.status(0)["status"] as? String == "rolled_back")
        }
    }

    /// `safemut cutover ARGS --gateway …` against replica 0; its exit status and output.
    static func cli(_ stack: CutoverStack, _ arguments: [String]) throws -> (status: Int32?, output: String) {
        let process = try ManagedProcess(
            name: "safemut-cutover", executable: try Binaries.path("safemut"),
            arguments: ["cutover"] + arguments + ["--gateway", "http://127.0.0.1:\(stack.gatewayPorts[0])"],
            environment: ProcessInfo.processInfo.environment.filter { $0.key != "SAFEMUT_ADMIN_TOKEN" },
            currentDirectory: NSTemporaryDirectory())
        let status = process.waitForExit(timeout: 60)
        return (status, process.output())
    }

    @Test("the seed's cutover commands: execute, status, an early promote refused (1), rollback needs --confirm (2), kill switch")
    func commands() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules, replicas: 1)
            let started = try Self.cli(stack, ["execute", "--strategy", "canary", "--stages", "5,25,50,100", "--hold", "20m", "--auto-rollback", "--user", "rel-1"])
            #expect(started.status == 0, "\(started.output)")
            #expect(started.output.contains(#""weight_percent":5"#))
            let status = try Self.cli(stack, ["status"])
            #expect(status.status == 0)
            #expect(status.output.contains(#""hold_seconds":1200"#))
            #expect(status.output.contains(#""auto_rollback":true"#))
            let early = try Self.cli(stack, ["promote", "--user", "rel-1"])
            #expect(early.status == 1, "\(early.output)")
            #expect(early.output.contains("holds for another"))
            let unconfirmed = try Self.cli(stack, ["rollback", "--to", "last-stable"])
            #expect(unconfirmed.status == 2)
            let rolled = try Self.cli(stack, ["rollback", "--to", "last-stable", "--confirm", "--reason", "runbook drill"])
            #expect(rolled.status == 0, "\(rolled.output)")
            #expect(rolled.output.contains(#""status":"rolled_back""#))
            let killed = try Self.cli(stack, ["kill-switch", "--enable", "false", "--reason", "drill"])
            #expect(killed.status == 0, "\(killed.output)")
            #expect(killed.output.contains(#""kill_switch_engaged":true"#))
            let analyst = try Self.cli(stack, ["execute", "--roles", "analyst"])
            #expect(analyst.status == 1, "a role outside the table")
            let down = try ManagedProcess(
                name: "safemut-cutover", executable: try Binaries.path("safemut"),
                arguments: ["cutover", "status", "--gateway", "http://127.0.0.1:\(Ports.free())"], currentDirectory: NSTemporaryDirectory())
            #expect(down.waitForExit(timeout: 60) == 3, "no gateway there")
        }
    }

    @Test("a canary that is down at start is refused; one that dies mid-stage is judged by its errors and rolled back")
    func canaryDown() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules)
            let healthy = try CutoverStack.call(stack.gatewayPorts[0], "GET", "/health/ready")
            #expect(healthy.status == 200)
            #expect(healthy.text.contains(#""canary_upstream":{"status":"up""#), "\(healthy.text)")
            stack.canary.stop()
            let ready = try CutoverStack.call(stack.gatewayPorts[0], "GET", "/health/ready")
            #expect(ready.status == 200, "a canary that is down does not make the replica unready: \(ready.text)")
            #expect(ready.text.contains(#""canary_upstream":{"status":"down""#), "\(ready.text)")
            let refused = try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100]}"#)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(refused.text.contains("not healthy"))
            #expect(try stack.status(0)["status"] as? String == "idle")
        }
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules)
            let load = BackgroundLoad(ports: stack.gatewayPorts)
            defer { load.stop() }
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100],"hold_seconds":600}"#).status == 200)
            let routed = try Self.within(10) { try stack.status(1)["routed_weight_percent"] as? Int == 25 }
            #expect(routed != nil)
            stack.canary.stop()
            let rolled = try Self.within(30) {
                try stack.status(0)["routed_weight_percent"] as? Int == 0 && stack.status(1)["routed_weight_percent"] as? Int == 0
            }
            #expect(rolled != nil, "\((try? stack.status(0)) ?? [:])")
        }
    }

    @Test("Redis gone while a rollback is broadcast: the other replica still reaches weight 0 through the 1 s Postgres poll")
    func redisGoneDuringRollback() async throws {
        let redis = try await offPool { try RedisServer.start() }
        defer { redis.stop() }
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules, redisURL: redis.url)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[50,100],"hold_seconds":600}"#).status == 200)
            let routed = try Self.within(10) { try stack.status(1)["routed_weight_percent"] as? Int == 50 }
            #expect(routed != nil)
            redis.kill()
            let rolled = try stack.admin(0, "POST", "/admin/cutover/rollback", body: #"{"to":"last-stable","confirm":true}"#)
            #expect(rolled.status == 200, "\(rolled.text)")
            let took = try Self.within(5) { try stack.status(1)["routed_weight_percent"] as? Int == 0 }
            #expect(took != nil, "\((try? stack.status(1)) ?? [:])")
            print("rollback without Redis: replica 2 at weight 0 after \(took.map { String(format: "%.3f", $0) } ?? "never") s")
        }
    }

    @Test("Postgres gone: the split keeps its weight, the judge still rolls back locally on both replicas, and Postgres gets the rollback when it returns")
    func postgresGone() async throws {
        let postgres = try await offPool { try PostgresServer.start() }
        defer { postgres.stop() }
        try await offPool {
            let url = try postgres.createDatabase("cutover")
            let migrated = try DataStoreWiringTests.migrate([], databaseURL: url)
            #expect(migrated.status == 0, "\(migrated.output)")
            let stack = try CutoverStack(canaryYAML: Self.fastRules, databaseURL: url)
            let load = BackgroundLoad(ports: stack.gatewayPorts)
            defer { load.stop() }
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[50,100],"hold_seconds":600}"#).status == 200)
            let routed = try Self.within(10) { try stack.status(1)["routed_weight_percent"] as? Int == 50 }
            #expect(routed != nil)
            postgres.shutdown()
            Thread.sleep(forTimeInterval: 3)
            #expect(try stack.status(0)["routed_weight_percent"] as? Int == 50, "the last known weight stands")
            #expect(try stack.status(1)["routed_weight_percent"] as? Int == 50)
            try stack.degradeCanary(#"{"error_percent":50}"#)
            let local = try Self.within(30) {
                try stack.status(0)["routed_weight_percent"] as? Int == 0 && stack.status(1)["routed_weight_percent"] as? Int == 0
            }
            #expect(local != nil, "each judge rolled back locally: \((try? stack.status(0)) ?? [:])")
            try postgres.restart()
            let persisted = try Self.within(30) {
                (try? Self.query(url, "SELECT status FROM canary_cutovers")) == ["rolled_back"]
            }
            #expect(persisted != nil, "the rollback reached Postgres once it was back")
            #expect(try Self.auditActions(url).contains("cutover.rollback"))
        }
    }

    @Test("a replica restarted mid-stage resumes the stage's weight from Postgres before it serves")
    func restartedReplica() async throws {
        try await offPool {
            let stack = try CutoverStack(canaryYAML: Self.fastRules, replicas: 1)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100],"hold_seconds":600}"#).status == 200)
            stack.gateways[0].stop()
            let (again, port) = try stack.extraReplica()
            defer { again.stop() }
            let response = try CutoverStack.call(port, "GET", "/admin/cutover", headers: ["X-Tenant": "ops", "X-User-Id": "rel-1", "X-Roles": "sre"])
            let status = (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
            #expect(status["routed_weight_percent"] as? Int == 25, "\(status)")
            #expect(status["status"] as? String == "running")
        }
    }

    @Test("inside a freeze window execute is refused until two distinct approvers override it (audited); a rollback is always allowed")
    func freezeWindow() async throws {
        try await offPool {
            // Every day, all day: frozen whatever the date the test runs on.
            let week = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { "\"\($0) 00:00-24:00\"" }.joined(separator: ", ")
            let stack = try CutoverStack(canaryYAML: "  freeze_windows: [\(week)]\n" + Self.fastRules, replicas: 1)
            let frozen = try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100],"hold_seconds":600}"#)
            #expect(frozen.status == 409)
            #expect(frozen.text.contains("freeze window"))
            #expect(try stack.admin(0, "POST", "/admin/cutover/freeze-override", body: "{}", user: "a-1").status == 400, "a reason is required")
            #expect(try stack.admin(0, "POST", "/admin/cutover/freeze-override", body: #"{"reason":"hotfix"}"#, user: "a-1").status == 200)
            #expect(try stack.admin(0, "POST", "/admin/cutover/freeze-override", body: #"{"reason":"again"}"#, user: "a-1").status == 409)
            #expect(try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100]}"#).status == 409, "one approver is not enough")
            #expect(try stack.admin(0, "POST", "/admin/cutover/freeze-override", body: #"{"reason":"hotfix"}"#, user: "b-1", roles: "security_admin").status == 200)
            let started = try stack.admin(0, "POST", "/admin/cutover", body: #"{"stages":[25,100],"hold_seconds":600}"#)
            #expect(started.status == 200, "\(started.text)")
            #expect(try stack.admin(0, "POST", "/admin/cutover/rollback", body: #"{"to":"last-stable","confirm":true}"#).status == 200)
            #expect(try Self.auditActions(stack.databaseURL).filter { $0 == "cutover.freeze_override" }.count == 2)
        }
    }

    static func auditActions(_ url: String) throws -> [String] {
        try query(url, "SELECT action FROM audit_log WHERE action LIKE 'cutover.%' ORDER BY seq")
    }

    static func auditReasons(_ url: String, action: String) throws -> [String] {
        try query(url, "SELECT coalesce(reason, '') FROM audit_log WHERE action = '\(action)' ORDER BY seq")
    }

    /// One text column of a query, through psql (the tests' way to read what landed).
    static func query(_ url: String, _ sql: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-At", "-c", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
