import Foundation
import Logging
import Postgres
import Testing
import TestSupport

/// Issue 13 item 9 through a real `safemut serve` with `admin.loopback_operator: true`: what
/// a web page in a browser on the machine sends is refused and changes nothing; the
/// runbooks' curls keep working.
@Suite("The loopback operator refuses browsers (CSRF, DNS rebinding)", .serialized)
struct LoopbackOperatorGatewayTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let override = #"{"tenant_id":"demo","budget_multiplier":1.2,"note":"loopback test","expires_hours":4}"#
    static let yaml = "admin:\n  loopback_operator: true\n  loopback_allowed_origins: [http://localhost:3000]"

    /// A gateway with the loopback operator on, and a pool on its database.
    static func stack() async throws -> (PQStack, PostgresPool) {
        let pq = try await offPool { try PQStack(phase: "log", extraYAML: yaml) }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: pq.databaseURL, maxConnections: 2), logger: quiet)
        return (pq, pool)
    }

    /// Exactly `head` (request line and headers, no final blank line) and `body` on a fresh connection.
    static func send(_ port: Int, _ head: String, body: String = "") async throws -> RawHTTPClient.Response {
        try await offPool {
            let client = try RawHTTPClient(port: port, timeout: 10)
            try client.send(head + "\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
            return try client.readResponse(method: String(head.prefix { $0 != " " }))
        }
    }

    static func overrides(_ pool: PostgresPool) async throws -> Int {
        try await pool.query("SELECT count(*)::int AS n FROM budget_overrides").single()["n"].int()
    }

    @Test("the reported attack (Origin evil.example, text/plain, Sec-Fetch-Site cross-site) is 403 and creates no override")
    func reportedAttackRefused() async throws {
        let (pq, pool) = try await Self.stack()
        defer { pool.close() }
        let response = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: 127.0.0.1:\(pq.port)\r
            Origin: http://evil.example\r
            Content-Type: text/plain;charset=UTF-8\r
            Sec-Fetch-Site: cross-site\r
            Sec-Fetch-Mode: no-cors
            """, body: Self.override)
        #expect(response.status == 403, "\(response.text)")
        #expect(response.text.contains("FORBIDDEN"), "\(response.text)")
        #expect(response.text.contains("loopback operator refused: Origin http://evil.example"), "\(response.text)")
        #expect(try await Self.overrides(pool) == 0)
        var logged = false
        for _ in 0..<50 where !logged {
            logged = pq.stack.gateway.output().contains("loopback operator refused")
            if !logged { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(logged, "the refusal is logged at warning")
    }

    @Test("curl -d as the runbooks write it (no Origin, application/x-www-form-urlencoded, a JSON body) is 201")
    func curlDataAccepted() async throws {
        let (pq, pool) = try await Self.stack()
        defer { pool.close() }
        let api = "http://127.0.0.1:\(pq.port)"
        let result = try await offPool {
            try RunbookEndToEndTests.bash(
                "curl -s -o /dev/null -w '%{http_code}' -X POST $API/admin/budget/override -d '\(Self.override)'", api: api)
        }
        #expect(result.output == "201", "\(result.output)")
        #expect(try await Self.overrides(pool) == 1)
        // The same bytes by hand, so the test says what curl sends.
        let raw = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: localhost:\(pq.port)\r
            User-Agent: curl/8.5.0\r
            Accept: */*\r
            Content-Type: application/x-www-form-urlencoded
            """, body: Self.override)
        #expect(raw.status == 201, "\(raw.text)")
        #expect(try await Self.overrides(pool) == 2)
    }

    @Test("a rebinding Host is 403 on GET and POST; HTTP/1.1 without Host is 400")
    func rebindingHostRefused() async throws {
        let (pq, pool) = try await Self.stack()
        defer { pool.close() }
        let read = try await Self.send(pq.port, "GET /admin/budget/overrides HTTP/1.1\r\nHost: evil.example:\(pq.port)")
        #expect(read.status == 403, "\(read.text)")
        #expect(read.text.contains("Host evil.example:\(pq.port) is not localhost"), "\(read.text)")
        #expect(!read.text.contains("overrides\":"), "no admin data leaks to the rebound page")
        let write = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: evil.example:\(pq.port)\r
            Content-Type: application/json
            """, body: Self.override)
        #expect(write.status == 403, "\(write.text)")
        #expect(try await Self.overrides(pool) == 0)
        let noHost = try await Self.send(pq.port, "GET /admin/budget/overrides HTTP/1.1\r\nAccept: */*")
        #expect(noHost.status == 400, "\(noHost.text)")
    }

    @Test("a configured origin (admin.loopback_allowed_origins) may POST JSON, but not a form type")
    func configuredOrigin() async throws {
        let (pq, pool) = try await Self.stack()
        defer { pool.close() }
        // What a page on http://localhost:3000 sends with fetch(…, {method: "POST", headers: {"Content-Type": "application/json"}}).
        let json = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: localhost:\(pq.port)\r
            Origin: http://localhost:3000\r
            Sec-Fetch-Site: same-site\r
            Sec-Fetch-Mode: cors\r
            Content-Type: application/json
            """, body: Self.override)
        #expect(json.status == 201, "\(json.text)")
        let form = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: localhost:\(pq.port)\r
            Origin: http://localhost:3000\r
            Sec-Fetch-Site: same-site\r
            Content-Type: text/plain
            """, body: Self.override)
        #expect(form.status == 403, "\(form.text)")
        #expect(form.text.contains("a text/plain body from Origin http://localhost:3000"), "\(form.text)")
        let other = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: localhost:\(pq.port)\r
            Origin: http://localhost:3001\r
            Content-Type: application/json
            """, body: Self.override)
        #expect(other.status == 403, "\(other.text)")
        #expect(try await Self.overrides(pool) == 1)
    }

    @Test("real credentials are unaffected: a headers identity with a cross-site Origin is judged by its roles")
    func credentialsUnaffected() async throws {
        let (pq, pool) = try await Self.stack()
        defer { pool.close() }
        let response = try await Self.send(pq.port, """
            POST /admin/budget/override HTTP/1.1\r
            Host: evil.example\r
            Origin: http://evil.example\r
            X-Tenant: ops\r
            X-User-Id: alice\r
            X-Roles: finance_admin\r
            Content-Type: application/json
            """, body: Self.override)
        #expect(response.status == 201, "\(response.text)")
        #expect(try await Self.overrides(pool) == 1)
    }
}
