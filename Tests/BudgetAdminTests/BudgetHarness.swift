import Contract
import Admin
import BudgetAdmin
import Foundation
import HTTP
import HTTPServer
import Identity
import Kit
import Logging
import Migrations
import Postgres
import Sockets
import TestSupport

/// A fresh migrated database on the harness's Postgres, the budget routes behind the real
/// `AdminAPI` router (headers identity, loopback operator on, the role table) on an
/// `HTTPServer` bound to a loopback port, and `/health/budget` routed to `BudgetHealth` —
/// the wiring `serve` gets, minus the rest of the gateway.
final class BudgetHarness: Sendable {
    static let quiet = MigratedDatabase.quietLogger("test.budget")

    let databaseURL: String
    let pool: PostgresPool
    let admin: BudgetAdmin
    let group: EventLoopGroup
    let server: HTTPServer

    var port: Int { server.port }
    var api: String { "http://127.0.0.1:\(port)" }

    private init(databaseURL: String, pool: PostgresPool, admin: BudgetAdmin, group: EventLoopGroup, server: HTTPServer) {
        self.databaseURL = databaseURL
        self.pool = pool
        self.admin = admin
        self.group = group
        self.server = server
    }

    static func freshDatabase() async throws -> String {
        let (url, pool) = try await MigratedDatabase.make(prefix: "budget", maxConnections: 2, logger: quiet)
        defer { pool.close() }
        return url
    }

    static func start(canary: CanaryRule = CanaryRule(), staleGrace: Duration = .zero) async throws -> BudgetHarness {
        let url = try await freshDatabase()
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 4))
        let admin = BudgetAdmin(pool: pool, canary: canary, logger: quiet)
        let authenticator = try Authenticator(configuration: IdentityConfiguration(mode: .headers, loopbackOperator: true))
        let api = AdminAPI(authenticator: authenticator, endpoints: admin.endpoints, logger: quiet)
        let health = BudgetHealth(pool: pool, staleGrace: staleGrace, logger: quiet)
        let group = try EventLoopGroup(count: 1)
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(address: "127.0.0.1:0", eventLoops: 1), group: group,
            handler: BudgetRouter(api: api, health: health))
        return BudgetHarness(databaseURL: url, pool: pool, admin: admin, group: group, server: server)
    }

    func shutdown() {
        server.closeAll()
        group.shutdown()
        pool.close()
    }

    /// One HTTP request to the harness, as `user`.
    func call(_ method: String, _ path: String, body: String? = nil, as user: TestUser = .operator, headers: [(String, String)] = []) async throws -> Reply {
        let port = self.port
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in user.headers + headers { head += "\(name): \(value)\r\n" }
        let bytes = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n" }
        let wire = Array((head + "\r\n").utf8) + bytes
        let response = try await offPool {
            let client = try RawHTTPClient(port: port, timeout: 30)
            try client.send(wire)
            return try client.readResponse(method: method)
        }
        return Reply(status: response.status, body: response.body)
    }

    func sql(_ text: String, _ parameters: [PostgresValue?] = []) async throws -> PostgresRows {
        try await pool.query(text, parameters)
    }

    /// The audit rows of `action`, oldest first.
    func audit(_ action: String) async throws -> [AuditRow] {
        let rows = try await sql("""
            SELECT action, created_by, tenant_id, correlation_id, reason, details::text AS details
            FROM audit_log WHERE action = $1 ORDER BY seq
            """, [.text(action)])
        return try rows.map { row in
            AuditRow(
                action: try row["action"].string(), actor: try row["created_by"].string(),
                tenant: try row["tenant_id"].nonNull?.string(), correlationID: try row["correlation_id"].nonNull?.string(),
                reason: try row["reason"].nonNull?.string(),
                details: try JSONValue.parse(Array(try row["details"].string().utf8)))
        }
    }

    /// Creates an override through the API and returns its id.
    func createOverride(tenant: String = "test", multiplier: String, hours: String = "4", as user: TestUser = .alice) async throws -> String {
        let reply = try await call("POST", "/admin/budget/override", body: """
            {"tenant_id":"\(tenant)","budget_multiplier":\(multiplier),"note":"test override","expires_hours":\(hours)}
            """, as: user)
        guard reply.status == 201, let id = reply["id"]?.stringValue else {
            throw HarnessError.setupFailed("override not created: \(reply.status) \(reply.text)")
        }
        return id
    }

    /// The ledger's own multiplier statement (what the reservation applies).
    func ledgerMultiplier(_ tenant: String) async throws -> String {
        try await sql("""
            SELECT coalesce(max(budget_multiplier), 1)::text AS m FROM budget_overrides
            WHERE tenant_id = $1 AND status = 'active' AND expires_at > now()
            """, [.text(tenant)]).single()["m"].string()
    }
}

struct AuditRow: Sendable {
    var action: String
    var actor: String
    var tenant: String?
    var correlationID: String?
    var reason: String?
    var details: JSONValue
}

/// Who calls: the loopback operator (no identity headers), or a headers identity.
struct TestUser: Sendable {
    var headers: [(String, String)]

    static let `operator` = TestUser(headers: [])
    static let alice = TestUser.with("alice", roles: "finance_admin")
    static let bob = TestUser.with("bob", roles: "finance_admin")
    static let carol = TestUser.with("carol", roles: "admin")
    static let dave = TestUser.with("dave", roles: "senior_analyst")

    static func with(_ user: String, roles: String) -> TestUser {
        TestUser(headers: [("X-Tenant", "ops"), ("X-User-Id", user), ("X-Roles", roles)])
    }
}

/// A response: status and JSON body.
struct Reply: Sendable {
    var status: Int
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? { try? JSONValue.parse(body) }

    subscript(key: String) -> JSONValue? { json?[key] }

    /// `errors[0].extensions.code` of an error reply.
    var code: String? { json?["errors"]?.arrayValue?.first?["extensions"]?["code"]?.stringValue }
    var message: String { json?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? "" }
}

/// `/admin/*` to the admin router, `/health/budget` to the budget health check.
final class BudgetRouter: HTTPServerHandler {
    let api: AdminAPI
    let health: BudgetHealth

    init(api: AdminAPI, health: BudgetHealth) {
        self.api = api
        self.health = health
    }

    func handle(_ request: HTTPServerRequest, responder: HTTPResponder) {
        guard request.head.path == "/health/budget" else {
            api.serve(request, requestID: UUID().uuidString.lowercased(), responder: responder)
            return
        }
        let bound = LoopBound(responder, loop: request.loop)
        let health = self.health
        Task(executorPreference: request.loop) {
            let (status, json) = await health.check()
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            bound.value.respond(HTTPResponseHead(status: status, headers: headers), body: Array(json.serialized.utf8))
        }
    }
}

extension JSONValue {
    /// Follows `a.b.c` through objects.
    func at(_ path: String) -> JSONValue? {
        var current: JSONValue? = self
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    var number: String? {
        if case .number(let text) = self { return text }
        return nil
    }
}
