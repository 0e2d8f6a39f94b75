import Foundation
import Glibc
import HTTP
import Synchronization
import Testing
import TestSupport

/// The real binaries: `safemut serve` in front of `intelgraph-demo`, driven
/// over loopback sockets as an operator or a client would.
@Suite("End to end: safemut in front of intelgraph-demo", .serialized)
struct EndToEndTests {
    static func mutation(_ client: RawHTTPClient, _ query: String, extra: String = "") throws -> RawHTTPClient.Response {
        let body = #"{"query":"\#(query.replacingOccurrences(of: "\"", with: "\\\""))"}"#
        try client.send("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Tenant: demo\r\nContent-Length: \(body.utf8.count)\r\n\(extra)\r\n\(body)")
        return try client.readResponse()
    }

    @Test("the runbook's createEntity and SafeNoop mutations pass through with cost extensions")
    func runbookMutations() throws {
        let stack = try DemoStack()
        let client = try RawHTTPClient(port: stack.gatewayPort)
        let created = try Self.mutation(client, #"mutation { createEntity(name: "rollback-test") { id } }"#)
        #expect(created.status == 200, "\(created.text)")
        #expect(created.text.contains(#""createEntity":{"id":"#))
        #expect(created.text.contains(#""actualUsd":"#))
        #expect(created.head.headers["X-Request-Id"] != nil)
        let noop = try Self.mutation(client, "mutation { SafeNoop }")
        #expect(noop.text.contains(#""SafeNoop":true"#))
        try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        let metrics = try client.readResponse().text
        #expect(metrics.contains(#"graphql_operations_total{type="mutation"} 2"#))
        #expect(metrics.contains("admission_duration_seconds_bucket"))
        #expect(metrics.contains("graphql_parse_cache_misses 2"))
    }

    @Test("upstream down through the real binary is 502 UPSTREAM_ERROR")
    func upstreamDown() throws {
        let stack = try DemoStack(upstreamDown: true)
        let client = try RawHTTPClient(port: stack.gatewayPort)
        let response = try Self.mutation(client, "mutation { SafeNoop }")
        #expect(response.status == 502)
        #expect(response.text.contains("UPSTREAM_ERROR"))
    }

    @Test("an upstream slower than read_timeout_ms is 504 through the real binary")
    func upstreamSlow() throws {
        let stack = try DemoStack()
        let client = try RawHTTPClient(port: stack.gatewayPort, timeout: 10)
        // The stack's read timeout is 5 s; the demo sleeps 6 s.
        let response = try Self.mutation(client, "mutation { SafeNoop }", extra: "X-Demo-Delay-Ms: 6000\r\n")
        #expect(response.status == 504)
        #expect(response.text.contains("UPSTREAM_ERROR"))
    }

    @Test("SIGTERM during load: every in-flight request completes, the process exits 0")
    func sigtermDrains() throws {
        let stack = try DemoStack()
        let port = stack.gatewayPort
        let clients = 16
        let results = ResultsBox(count: clients)
        var threads: [Thread] = []
        for i in 0..<clients {
            let thread = Thread {
                do {
                    let client = try RawHTTPClient(port: port, timeout: 10)
                    let response = try Self.mutation(client, "mutation { SafeNoop }", extra: "X-Demo-Delay-Ms: 800\r\n")
                    results.set(i, response.status)
                } catch {
                    results.set(i, -1)
                }
            }
            threads.append(thread)
            thread.start()
        }
        // Wait until the requests are in flight (the demo sleeps 800 ms), then stop the gateway.
        usleep(300_000)
        stack.gateway.send(signal: SIGTERM)
        let status = stack.gateway.waitForExit(timeout: 15)
        #expect(status == 0, "exit status \(String(describing: status)):\n\(stack.gateway.output())")
        #expect(results.all.allSatisfy { $0 == 200 }, "statuses: \(results.all)")
        // After the drain the port is closed.
        #expect(!Ports.isListening(port))
    }

    @Test("SIGHUP changes the log level live: access lines appear once the level is info")
    func sighupLogLevel() throws {
        let stack = try DemoStack(extraYAML: "log:\n  level: warning\n")
        let client = try RawHTTPClient(port: stack.gatewayPort)
        _ = try Self.mutation(client, "mutation { SafeNoop }", extra: "X-Request-Id: before-hup\r\n")
        usleep(200_000)
        #expect(!stack.gateway.output().contains("before-hup"))
        try stack.rewriteConfig(extraYAML: "log:\n  level: info\n")
        stack.gateway.send(signal: SIGHUP)
        var reloaded = false
        for _ in 0..<100 where !reloaded {
            usleep(50_000)
            reloaded = stack.gateway.output().contains("configuration reloaded")
        }
        #expect(reloaded)
        _ = try Self.mutation(client, "mutation { SafeNoop }", extra: "X-Request-Id: after-hup\r\n")
        var logged = false
        for _ in 0..<40 where !logged {
            usleep(50_000)
            logged = stack.gateway.output().contains("after-hup")
        }
        #expect(logged, "\(stack.gateway.output())")
        // The access line is one JSON object with the request's fields.
        let line = stack.gateway.output().split(separator: "\n").first { $0.contains("after-hup") } ?? ""
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        #expect(object?["http.status"] as? String == "200")
        #expect(object?["http.route"] as? String == "/graphql")
        #expect(object?["tenant"] as? String == "demo")
    }

    @Test("intelgraph-demo stops on SIGTERM and exits 0")
    func demoStops() throws {
        let port = Ports.free()
        let demo = try ManagedProcess(
            name: "intelgraph-demo", executable: try Binaries.path("intelgraph-demo"), arguments: ["--listen", "127.0.0.1:\(port)"])
        try Ports.waitUntilListening(port, process: demo)
        demo.send(signal: SIGTERM)
        #expect(demo.waitForExit(timeout: 5) == 0, "\(demo.output())")
    }

    @Test("a bad config value stops start-up with exit 2 and names the key")
    func badConfig() throws {
        let path = try ServeConfig.write("server:\n  max_body_bytes: lots\n", label: "bad")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = try ManagedProcess.serve(config: path, name: "safemut-bad")
        #expect(process.waitForExit(timeout: 10) == 2)
        #expect(process.output().contains("server.max_body_bytes"))
    }

    @Test("an unknown PQ_PHASE in the environment stops start-up and names it")
    func badEnvironment() throws {
        var env = ProcessInfo.processInfo.environment
        env["PQ_PHASE"] = "strict"
        let process = try ManagedProcess(
            name: "safemut-badenv", executable: try Binaries.path("safemut"), arguments: ["serve"], environment: env,
            currentDirectory: NSTemporaryDirectory())
        #expect(process.waitForExit(timeout: 10) == 2)
        #expect(process.output().contains("PQ_PHASE"))
    }
}

/// Per-thread results of the SIGTERM test (0 = not finished yet).
final class ResultsBox: Sendable {
    private let values: Mutex<[Int]>
    init(count: Int) { values = Mutex(Array(repeating: 0, count: count)) }
    func set(_ i: Int, _ value: Int) { values.withLock { $0[i] = value } }
    /// Waits (bounded, 10 s) for every slot to be filled, then returns them.
    var all: [Int] {
        for _ in 0..<200 {
            if !values.withLock({ $0.contains(0) }) { break }
            usleep(50_000)
        }
        return values.withLock { $0 }
    }
}
