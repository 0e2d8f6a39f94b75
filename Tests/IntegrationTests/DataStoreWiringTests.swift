import Foundation
import Glibc
import Testing
import TestSupport

/// `safemut migrate` and the readiness/metrics wiring of Postgres and Redis,
/// against real servers started by the harness.
@Suite("safemut with Postgres and Redis", .serialized)
struct DataStoreWiringTests {
    static func migrate(_ arguments: [String], databaseURL: String?) throws -> (status: Int32?, output: String) {
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = databaseURL
        let process = try ManagedProcess(
            name: "safemut-migrate", executable: try Binaries.path("safemut"),
            arguments: ["migrate", "--directory", Binaries.repositoryRoot + "/db/migrations"] + arguments,
            environment: env, currentDirectory: NSTemporaryDirectory())
        let status = process.waitForExit(timeout: 60)
        return (status, process.output())
    }

    @Test("safemut migrate applies every file once; a second run is up to date; --status lists them")
    func migrateTwice() async throws {
        let url = try await offPool { try DataServers.freshDatabase(prefix: "cli") }
        let first = try await offPool { try Self.migrate([], databaseURL: url) }
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("applied 0001_"))
        let second = try await offPool { try Self.migrate([], databaseURL: url) }
        #expect(second.status == 0)
        #expect(second.output.contains("up to date"))
        let status = try await offPool { try Self.migrate(["--status"], databaseURL: url) }
        #expect(status.status == 0)
        #expect(!status.output.contains("pending"))
        #expect(status.output.contains("applied"))
    }

    @Test("safemut migrate without DATABASE_URL exits 2 and names the key")
    func migrateWithoutURL() async throws {
        let result = try await offPool { try Self.migrate([], databaseURL: nil) }
        #expect(result.status == 2)
        #expect(result.output.contains("database.url"))
    }

    @Test("safemut migrate against a Postgres that is not there exits 3")
    func migrateUnreachable() async throws {
        let port = Ports.free()
        let result = try await offPool { try Self.migrate([], databaseURL: "postgres://postgres@127.0.0.1:\(port)/none?connect_timeout=2") }
        #expect(result.status == 3, "\(result.output)")
    }

    @Test("/health/ready reports Postgres and Redis with latency; a dead Redis makes it 503")
    func readiness() async throws {
        let pgURL = try await offPool { try DataServers.freshDatabase(prefix: "ready") }
        let redis = try await offPool { try RedisServer.start() }
        defer { redis.stop() }
        let stack = try await offPool {
            try DemoStack(environment: ["DATABASE_URL": pgURL, "REDIS_URL": redis.url])
        }
        let port = stack.gatewayPort
        let ready = try await offPool { () -> RawHTTPClient.Response in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
        #expect(ready.status == 200, "\(ready.text)")
        #expect(ready.text.contains(#""postgres":{"status":"up","latency_ms":"#))
        #expect(ready.text.contains(#""redis":{"status":"up","latency_ms":"#))
        #expect(ready.text.contains(#""upstream":{"status":"up""#))

        try await offPool { redis.kill() }
        let degraded = try await offPool { () -> RawHTTPClient.Response in
            let client = try RawHTTPClient(port: port, timeout: 10)
            try client.send("GET /health/ready HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse()
        }
        #expect(degraded.status == 503)
        #expect(degraded.text.contains(#""redis":{"status":"down""#))
        #expect(degraded.text.contains(#""postgres":{"status":"up""#))

        let metrics = try await offPool { () -> String in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            return try client.readResponse().text
        }
        #expect(metrics.contains(#"datastore_pool_connections{store="postgres",state="max"} 10"#))
        #expect(metrics.contains(#"datastore_pool_connections{store="redis""#))
        #expect(metrics.contains("redis_circuit_state"))
        #expect(metrics.contains(#"datastore_errors_total{store="redis""#))
    }
}
