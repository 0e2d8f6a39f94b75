import Foundation
import Postgres
import Testing
import TestSupport

/// The allowlist step and its admin API through the real binaries, against real Postgres,
/// Redis and intelgraph-demo.
@Suite("Persisted queries through the gateway", .serialized)
struct PersistedQueryGatewayTests {
    static let health = "query Health { health }"
    static let entities = "query Entities { entities(limit: 2) { id } }"

    @Test("enforce: an unlisted document is 403, added by hash it passes, the violation is reported")
    func enforceThenAdd() throws {
        let pq = try PQStack(phase: "enforce")
        let refused = try pq.graphQL(graphQLBody(query: Self.health))
        #expect(refused.status == 403, "\(refused.text)")
        #expect(refused.text.contains("PERSISTED_QUERY_NOT_ALLOWED"))

        let report = try pq.admin("GET", "/admin/persisted-queries")
        #expect(report.status == 200, "\(report.text)")
        #expect(report.text.contains(#""phase":"enforce""#))
        #expect(report.text.contains(#""hash":"\#(sha256Hex(Self.health))""#))
        #expect(report.text.contains(#""operation_name":"Health""#))
        #expect(report.text.contains(#""rejected":true"#))

        let add = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(sha256Hex(Self.health))"],"action":"add"}"#)
        #expect(add.status == 200, "\(add.text)")
        #expect(add.text.contains(#""published":true"#))
        let allowed = try pq.graphQL(graphQLBody(query: Self.health))
        #expect(allowed.status == 200, "\(allowed.text)")
        #expect(allowed.text.contains(#""health":"ok""#))

        let remove = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(sha256Hex(Self.health))"],"action":"remove"}"#)
        #expect(remove.status == 200, "\(remove.text)")
        #expect(try pq.graphQL(graphQLBody(query: Self.health)).status == 403)

        let metrics = try pq.request("GET", "/metrics").text
        #expect(metrics.contains(#"persisted_query_violations_total{phase="enforce"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"persisted_query_phase{phase="enforce"} 1"#))
        #expect(metrics.contains(#"admission_step_duration_seconds_count{step="persisted"}"#), "per-step latency")
        #expect(metrics.contains(#"admission_rejections_total{step="persisted",code="PERSISTED_QUERY_NOT_ALLOWED"} 2"#))
    }

    @Test("a manifest loads over the admin API: APQ hash-only requests run its documents, drifted copies pass")
    func manifestAPQAndDrift() throws {
        let pq = try PQStack(phase: "enforce")
        let manifest = manifestJSON([("Health", "query", Self.health), ("Entities", "query", Self.entities)])
        let load = try pq.admin("POST", "/admin/persisted-queries/allowlist", body: manifest)
        #expect(load.status == 200, "\(load.text)")
        #expect(load.text.contains(#""mode":"merge""#))

        // Hash only: the gateway supplies the document, the upstream answers it.
        let apq = try pq.graphQL(graphQLBody(hash: sha256Hex(Self.entities)))
        #expect(apq.status == 200, "\(apq.text)")
        #expect(apq.text.contains(#""entities":["#), "\(apq.text)")

        // The same over GET.
        let extensions = #"{"persistedQuery":{"version":1,"sha256Hash":"\#(sha256Hex(Self.health))"}}"#
        let encoded = extensions.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let get = try pq.request("GET", "/graphql?extensions=\(encoded)", headers: ["X-Tenant": "demo"])
        #expect(get.status == 200, "\(get.text)")
        #expect(get.text.contains(#""health":"ok""#))

        // Reformatted and commented: a different exact hash, the same normalized document.
        let drifted = "# tooling reformatted this\nquery Health {\n  health\n}\n"
        let passed = try pq.graphQL(graphQLBody(query: drifted))
        #expect(passed.status == 200, "\(passed.text)")

        // A changed document is not drift.
        let changed = try pq.graphQL(graphQLBody(query: "query Health { health __typename }"))
        #expect(changed.status == 403)
    }

    @Test("APQ: an unknown hash is PERSISTED_QUERY_NOT_FOUND (200), a hash that is not the body's is 400")
    func apqErrors() throws {
        let pq = try PQStack(phase: "log")
        let unknown = try pq.graphQL(graphQLBody(hash: String(repeating: "ab", count: 32)))
        #expect(unknown.status == 200, "\(unknown.text)")
        #expect(unknown.text.contains("PERSISTED_QUERY_NOT_FOUND"))
        #expect(unknown.text.contains("PersistedQueryNotFound"))
        let mismatch = try pq.graphQL(graphQLBody(query: Self.health, hash: String(repeating: "cd", count: 32)))
        #expect(mismatch.status == 400, "\(mismatch.text)")
        #expect(mismatch.text.contains("BAD_REQUEST"))
        let matching = try pq.graphQL(graphQLBody(query: Self.health, hash: sha256Hex(Self.health)))
        #expect(matching.status == 200, "\(matching.text)")
    }

    @Test("PUT phase switches at run time: log lets unlisted documents through, a tenant's own phase overrides it")
    func phaseSwitch() throws {
        let pq = try PQStack(phase: "enforce")
        #expect(try pq.graphQL(graphQLBody(query: Self.health)).status == 403)
        let toLog = try pq.admin("PUT", "/admin/persisted-queries/phase", body: #"{"phase":"log"}"#)
        #expect(toLog.status == 200, "\(toLog.text)")
        #expect(toLog.text.contains(#""previous":{"phase":"enforce""#))
        #expect(toLog.text.contains(#""current":{"phase":"log""#))
        #expect(try pq.graphQL(graphQLBody(query: Self.health)).status == 200)

        let canary = try pq.admin("PUT", "/admin/persisted-queries/phase", body: #"{"tenant":"canary-a","phase":"enforce"}"#)
        #expect(canary.status == 200, "\(canary.text)")
        #expect(try pq.graphQL(graphQLBody(query: Self.health), tenant: "canary-a").status == 403)
        #expect(try pq.graphQL(graphQLBody(query: Self.health), tenant: "demo").status == 200)
        let cleared = try pq.admin("PUT", "/admin/persisted-queries/phase", body: #"{"tenant":"canary-a","phase":null}"#)
        #expect(cleared.status == 200, "\(cleared.text)")
        #expect(try pq.graphQL(graphQLBody(query: Self.health), tenant: "canary-a").status == 200)

        let report = try pq.admin("GET", "/admin/persisted-queries").text
        #expect(report.contains(#""violations":{"log":"#))
    }

    @Test("phase and bypass switches and allowlist edits land in the audit log, with the caller")
    func audited() async throws {
        let pq = try await offPool { try PQStack(phase: "log") }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: pq.databaseURL, maxConnections: 1))
        defer { pool.close() }
        let switched = try await offPool { try pq.admin("PUT", "/admin/persisted-queries/phase", body: #"{"bypass":true}"#) }
        #expect(switched.status == 200, "\(switched.text)")
        let added = try await offPool {
            try pq.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(sha256Hex(Self.health))"],"action":"add"}"#)
        }
        #expect(added.status == 200)
        let rows = try await pool.query("SELECT action, created_by FROM audit_log ORDER BY seq")
        let actions = try rows.map { try $0["action"].string() + "/" + $0["created_by"].string() }
        #expect(actions == ["pq.bypass.set/sec-1", "pq.allowlist.add/sec-1"], "\(actions)")
        #expect(try await pool.query("SELECT audit_log_verify() IS NULL AS ok").single()["ok"].bool())
    }

    @Test("introspection off is INTROSPECTION_DISABLED in every phase, bypass included")
    func introspectionOff() throws {
        let pq = try PQStack(phase: "off")
        let query = graphQLBody(query: "{ __schema { queryType { name } } }")
        #expect(try pq.graphQL(query).status == 200)
        let off = try pq.admin("PUT", "/admin/persisted-queries/phase", body: #"{"introspection":false,"bypass":true}"#)
        #expect(off.status == 200, "\(off.text)")
        let refused = try pq.graphQL(query)
        #expect(refused.status == 403)
        #expect(refused.text.contains("INTROSPECTION_DISABLED"))
        #expect(try pq.graphQL(graphQLBody(query: Self.health)).status == 200, "bypass lets ordinary queries through")
    }

    @Test("admin routes check roles: none is 401, a role outside the table is 403, security_admin and admin pass")
    func roles() throws {
        let pq = try PQStack(phase: "log")
        let anonymous = try pq.request("GET", "/admin/persisted-queries")
        #expect(anonymous.status == 401, "\(anonymous.text)")
        #expect(anonymous.head.headers["WWW-Authenticate"] == "Bearer")
        let analyst = try pq.admin("GET", "/admin/persisted-queries", roles: "analyst")
        #expect(analyst.status == 403)
        #expect(analyst.text.contains("FORBIDDEN"))
        let finance = try pq.admin("PUT", "/admin/persisted-queries/phase", body: #"{"phase":"enforce"}"#, roles: "finance_admin")
        #expect(finance.status == 403, "FinOps does not own the allowlist")
        #expect(try pq.admin("GET", "/admin/persisted-queries", roles: "admin").status == 200)
        #expect(try pq.admin("GET", "/admin/persisted-queries", roles: "security_admin").status == 200)
    }

    @Test("the loopback operator of the runbooks works only with admin.loopback_operator on")
    func loopbackOperator() throws {
        let pq = try PQStack(phase: "log", extraYAML: "admin:\n  loopback_operator: true")
        let hash = sha256Hex(Self.health)
        let add = try pq.request("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(hash)"],"action":"add"}"#)
        #expect(add.status == 200, "\(add.text)")
        #expect(try pq.request("GET", "/admin/persisted-queries").text.contains(#""count":1"#))
    }

    @Test("bad admin input: invalid JSON, not an object, unknown key, bad hash, bad phase, wrong method, unknown route")
    func badAdminInput() throws {
        let pq = try PQStack(phase: "log")
        let cases: [(String, String, String, Int, String)] = [
            ("POST", "/admin/persisted-queries/allowlist", #"{"hashes":["#, 400, "not valid JSON"),
            ("POST", "/admin/persisted-queries/allowlist", #"["a"]"#, 400, "must be a JSON object"),
            ("POST", "/admin/persisted-queries/allowlist", #"{"hashes":["\#(String(repeating: "a", count: 64))"],"action":"add","x":1}"#, 400, "unknown key"),
            ("POST", "/admin/persisted-queries/allowlist", #"{"hashes":["abc 123"],"action":"add"}"#, 400, "is not an allowlist id"),
            ("POST", "/admin/persisted-queries/allowlist", #"{"hashes":[],"action":"add"}"#, 400, "non-empty array"),
            ("POST", "/admin/persisted-queries/allowlist", #"{"hashes":["\#(String(repeating: "a", count: 64))"],"action":"drop"}"#, 400, "\\\"action\\\" must be"),
            ("POST", "/admin/persisted-queries/allowlist", #"{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"\#(String(repeating: "0", count: 64))","name":"Health","type":"query","body":"query Health { health }"}]}"#, 400, "manifest refused"),
            ("PUT", "/admin/persisted-queries/phase", #"{"phase":"strict"}"#, 400, "\\\"phase\\\" must be"),
            ("PUT", "/admin/persisted-queries/phase", #"{"bypass":"yes"}"#, 400, "true or false"),
            ("PUT", "/admin/persisted-queries/phase", #"{}"#, 400, "nothing to change"),
            ("PUT", "/admin/persisted-queries/phase", #"{"phase":null}"#, 400, "name the"),
            ("DELETE", "/admin/persisted-queries", "", 405, "accepts GET"),
            ("GET", "/admin/nothing-here", "", 404, "no admin route"),
        ]
        for (method, path, body, status, message) in cases {
            let response = try pq.admin(method, path, body: body)
            #expect(response.status == status, "\(method) \(path) \(body): \(response.text)")
            #expect(response.text.contains(message), "\(method) \(path) \(body): \(response.text)")
        }
        // Nothing was changed by any of them.
        let report = try pq.admin("GET", "/admin/persisted-queries").text
        #expect(report.contains(#""count":0"#), "\(report)")
        #expect(report.contains(#""phase":"log""#))
    }

    @Test("pq.phase enforce without Postgres and Redis refuses to start and names the key")
    func enforceNeedsStore() throws {
        let process = try ManagedProcess(
            name: "safemut-no-store", executable: try Binaries.path("safemut"),
            arguments: ["serve", "--config", Binaries.repositoryRoot + "/examples/safemut.demo.yaml"],
            environment: ProcessInfo.processInfo.environment.merging(
                ["PQ_PHASE": "enforce", "DATABASE_URL": "", "REDIS_URL": "", "UPSTREAM_URL": "http://127.0.0.1:9"]) { _, new in new },
            currentDirectory: Binaries.repositoryRoot)
        let status = process.waitForExit(timeout: 30)
        #expect(status == 2, "\(process.output())")
        #expect(process.output().contains("pq.phase"))
    }

    @Test("two gateway processes share the allowlist: an add through one is honoured by the other")
    func replicasShareTheAllowlist() throws {
        let first = try PQStack(phase: "enforce")
        let second = try PQStack(phase: "enforce", databaseURL: first.databaseURL, environment: first.environment)
        #expect(try second.graphQL(graphQLBody(query: Self.health)).status == 403)
        let add = try first.admin("POST", "/admin/persisted-queries/allowlist", body: #"{"hashes":["\#(sha256Hex(Self.health))"],"action":"add"}"#)
        #expect(add.status == 200, "\(add.text)")
        // The refresher polls the shared version once a second; wait for it, bounded.
        var status = 0
        for _ in 0..<50 {
            status = try second.graphQL(graphQLBody(query: Self.health)).status
            if status == 200 { break }
            usleep(200_000)
        }
        #expect(status == 200, "the second replica never saw the added hash")
    }
}
