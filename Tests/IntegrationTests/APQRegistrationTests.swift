import Foundation
import Testing
import TestSupport

/// Issue 13 item 2: Apollo APQ as Apollo clients expect it, through real gateways sharing
/// one real Redis: hash-only → NOT_FOUND → hash + body → hash-only served (POST and GET),
/// on another replica too; enforce never consults the registry; a dead Redis is NOT_FOUND.
@Suite("Apollo APQ registration through the gateway", .serialized)
struct APQRegistrationTests {
    static let document = "query Entities { entities(limit: 2) { id } }"

    /// A second replica on the same Postgres, Redis and environment as `pq`.
    static func replica(of pq: PQStack, phase: String, extraYAML: String = "") throws -> DemoStack {
        try DemoStack(extraYAML: extraYAML, environment: [
            "DATABASE_URL": pq.databaseURL, "REDIS_URL": pq.redisURL, "ENVIRONMENT": pq.environment, "PQ_PHASE": phase,
        ])
    }

    static func post(_ port: Int, _ body: String) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port, timeout: 10)
        try client.send("POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Tenant: demo\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return try client.readResponse(method: "POST")
    }

    /// Apollo Client's GET form: `?operationName=…&extensions={"persistedQuery":…}`, no query.
    static func getHashOnly(_ port: Int, _ hash: String) throws -> RawHTTPClient.Response {
        let extensions = #"{"persistedQuery":{"version":1,"sha256Hash":"\#(hash)"}}"#
        let encoded = extensions.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let client = try RawHTTPClient(port: port, timeout: 10)
        try client.send("GET /graphql?operationName=Entities&extensions=\(encoded) HTTP/1.1\r\nHost: localhost\r\nX-Tenant: demo\r\n\r\n")
        return try client.readResponse()
    }

    static func metrics(_ port: Int) throws -> String {
        let client = try RawHTTPClient(port: port, timeout: 10)
        try client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        return try client.readResponse().text
    }

    /// Registration happens after the answer (the request does not wait for Redis): poll.
    static func eventually(_ condition: () throws -> Bool) throws -> Bool {
        for _ in 0..<50 {
            if try condition() { return true }
            usleep(100_000)
        }
        return false
    }

    @Test("log phase, two replicas: hash-only NOT_FOUND, hash+body registers, then hash-only is served on the other replica over POST and GET; the allowlist stays empty")
    func sequenceAcrossReplicas() async throws {
        try await offPool {
            let a = try PQStack(phase: "log")
            let b = try Self.replica(of: a, phase: "log")
            let hash = sha256Hex(Self.document)

            let first = try Self.post(a.port, graphQLBody(hash: hash, operationName: "Entities"))
            #expect(first.status == 200 && first.text.contains("PERSISTED_QUERY_NOT_FOUND"), "\(first.text)")

            let registered = try Self.post(a.port, graphQLBody(query: Self.document, hash: hash, operationName: "Entities"))
            #expect(registered.status == 200 && registered.text.contains(#""entities":["#), "\(registered.text)")

            let served = try Self.eventually {
                let response = try Self.post(b.gatewayPort, graphQLBody(hash: hash, operationName: "Entities"))
                return response.status == 200 && response.text.contains(#""entities":["#)
            }
            #expect(served, "replica B serves the hash A registered")
            let viaGET = try Self.getHashOnly(b.gatewayPort, hash)
            #expect(viaGET.status == 200 && viaGET.text.contains(#""entities":["#), "\(viaGET.text)")
            let again = try Self.post(a.port, graphQLBody(hash: hash, operationName: "Entities"))
            #expect(again.text.contains(#""entities":["#), "replica A serves it from memory: \(again.text)")

            // Registration is not listing: the allowlist did not grow.
            let report = try a.admin("GET", "/admin/persisted-queries")
            #expect(report.text.contains(#""count":0"#) || report.text.contains(#""allowlist_size":0"#), "\(report.text)")
            let metricsB = try Self.metrics(b.gatewayPort)
            #expect(metricsB.contains(#"apq_lookups_total{outcome="shared_hit"} 1"#), "\(metricsB)")
            #expect(try Self.metrics(a.port).contains("apq_registrations_total 1"))
        }
    }

    @Test("enforce: a registered hash is not served (NOT_FOUND), and the document sent is refused as unlisted")
    func enforceNeverConsultsTheRegistry() async throws {
        try await offPool {
            let open = try PQStack(phase: "off")
            let locked = try Self.replica(of: open, phase: "enforce")
            let hash = sha256Hex(Self.document)
            _ = try Self.post(open.port, graphQLBody(query: Self.document, hash: hash, operationName: "Entities"))
            let registeredOnOpen = try Self.eventually {
                try Self.post(open.port, graphQLBody(hash: hash, operationName: "Entities")).text.contains(#""entities":["#)
            }
            #expect(registeredOnOpen)
            let hashOnly = try Self.post(locked.gatewayPort, graphQLBody(hash: hash, operationName: "Entities"))
            #expect(hashOnly.status == 200 && hashOnly.text.contains("PERSISTED_QUERY_NOT_FOUND"), "\(hashOnly.text)")
            let withBody = try Self.post(locked.gatewayPort, graphQLBody(query: Self.document, hash: hash, operationName: "Entities"))
            #expect(withBody.status == 403 && withBody.text.contains("PERSISTED_QUERY_NOT_ALLOWED"), "\(withBody.text)")
        }
    }

    @Test("enforce refuses an unlisted { __schema { types { name } } } with introspection on; pq.introspection_in_enforce: allow lets it through")
    func enforceRefusesUnlistedIntrospection() async throws {
        try await offPool {
            let introspection = "{ __schema { types { name } } }"
            let pq = try PQStack(phase: "enforce")
            let refused = try Self.post(pq.port, graphQLBody(query: introspection))
            #expect(refused.status == 403 && refused.text.contains("PERSISTED_QUERY_NOT_ALLOWED"), "\(refused.text)")
            let optedIn = try Self.replica(of: pq, phase: "enforce", extraYAML: "pq:\n  introspection_in_enforce: allow")
            let allowed = try Self.post(optedIn.gatewayPort, graphQLBody(query: introspection))
            #expect(allowed.status != 403, "\(allowed.text)")
            #expect(!allowed.text.contains("PERSISTED_QUERY"), "\(allowed.text)")
        }
    }

    @Test("Redis down: hash-only is PERSISTED_QUERY_NOT_FOUND (never an error), hash+body still runs")
    func redisDownFallsBackToNotFound() async throws {
        try await offPool {
            let redis = try RedisServer.start()
            let stack = try DemoStack(environment: ["REDIS_URL": redis.url, "PQ_PHASE": "off"])
            let hash = sha256Hex(Self.document)
            redis.kill()
            let hashOnly = try Self.post(stack.gatewayPort, graphQLBody(hash: hash, operationName: "Entities"))
            #expect(hashOnly.status == 200 && hashOnly.text.contains("PERSISTED_QUERY_NOT_FOUND"), "\(hashOnly.text)")
            let withBody = try Self.post(stack.gatewayPort, graphQLBody(query: Self.document, hash: hash, operationName: "Entities"))
            #expect(withBody.status == 200 && withBody.text.contains(#""entities":["#), "\(withBody.text)")
            usleep(300_000)
            // The failed registration was counted, and nothing was served from thin air.
            let metrics = try Self.metrics(stack.gatewayPort)
            #expect(metrics.contains("apq_errors_total"), "\(metrics)")
            #expect(!metrics.contains(#"apq_lookups_total{outcome="shared_hit"} 1"#))
        }
    }

    @Test("a stalled Redis (SIGSTOP): a hash-only request is PERSISTED_QUERY_NOT_FOUND after pq.apq.timeout_ms, not a stalled request")
    func stalledRedisTimesOut() async throws {
        try await offPool {
            let redis = try RedisServer.start()
            defer { redis.stop() }
            let stack = try DemoStack(
                extraYAML: "pq:\n  apq:\n    local_entries: 0\n    timeout_ms: 100", environment: ["REDIS_URL": redis.url, "PQ_PHASE": "off"])
            let hash = sha256Hex(Self.document)
            _ = try Self.post(stack.gatewayPort, graphQLBody(query: Self.document, hash: hash, operationName: "Entities"))
            let registered = try Self.eventually {
                try Self.post(stack.gatewayPort, graphQLBody(hash: hash, operationName: "Entities")).text.contains(#""entities":["#)
            }
            #expect(registered, "served from Redis while it answers")
            let pid = try #require(redis.pid)
            kill(pid, SIGSTOP)
            defer { kill(pid, SIGCONT) }
            let stalled = try Self.post(stack.gatewayPort, graphQLBody(hash: hash, operationName: "Entities"))
            #expect(stalled.status == 200 && stalled.text.contains("PERSISTED_QUERY_NOT_FOUND"), "\(stalled.text)")
            kill(pid, SIGCONT)
            #expect((metricValue(try Self.metrics(stack.gatewayPort), "apq_errors_total") ?? 0) >= 1)
        }
    }
}
