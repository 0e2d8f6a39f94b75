import Contract
import Admin
import Audit
import Kit
import Testing

@Suite("GET /admin/audit")
struct AuditAdminTests {
    @Test("a page of entries in snake_case with the table's column names and hex hashes")
    func pageJSON() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let log = AuditLog(pool: pool)
        try await log.append(AuditEntry(
            action: "budget.limits.set", actor: "alice", tenant: "demo", correlationID: "req-1", reason: "raise",
            details: .object([JSONMember("daily_usd_limit", .number("30.000000"))])))
        try await log.append(AuditEntry(action: "pq.phase.set", actor: "bob"))
        let endpoint = try AdminCalls.endpoint(AuditAdmin(log: log, logger: Harness.quiet).endpoints, "GET", "/admin/audit")

        let reply = await endpoint.handle(AdminCalls.call("GET", "/admin/audit", query: ["since": "2000-01-01T00:00:00Z", "limit": "1"]))
        #expect(reply.status == 200)
        let body = try AdminCalls.json(reply)
        #expect(body["count"] == .number("1"))
        #expect(body["limit"] == .number("1"))
        #expect(body["next_after_seq"] == .number("1"))
        #expect(body["since"] == .string("2000-01-01T00:00:00.000000Z"))
        let entry = try #require(body["entries"]?.arrayValue?.first)
        #expect(entry["seq"] == .number("1"))
        #expect(entry["action"] == .string("budget.limits.set"))
        #expect(entry["created_by"] == .string("alice"))
        #expect(entry["tenant_id"] == .string("demo"))
        #expect(entry["correlation_id"] == .string("req-1"))
        #expect(entry["reason"] == .string("raise"))
        #expect(entry["details"]?["daily_usd_limit"] == .number("30.000000"))
        #expect(entry["hash"]?.stringValue?.count == 64)

        let bob = try AdminCalls.json(await endpoint.handle(AdminCalls.call("GET", "/admin/audit", query: ["after_seq": "1"])))
        #expect(bob["entries"]?.arrayValue?.map { $0["created_by"] } == [.string("bob")])
        #expect(bob["next_after_seq"] == .null)
    }

    @Test("a bad since is 400 BAD_REQUEST naming the parameter")
    func badSince() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let endpoint = try AdminCalls.endpoint(AuditAdmin(log: AuditLog(pool: pool), logger: Harness.quiet).endpoints, "GET", "/admin/audit")
        let reply = await endpoint.handle(AdminCalls.call("GET", "/admin/audit", query: ["since": "yesterday"]))
        #expect(reply.status == 400)
        #expect(try AdminCalls.code(reply) == "BAD_REQUEST")
        #expect(String(decoding: reply.body, as: UTF8.self).contains("since"))
    }

    @Test("a bad limit is 400 BAD_REQUEST naming the parameter", arguments: ["0", "1001", "lots"])
    func badLimit(_ limit: String) async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        defer { pool.close() }
        let endpoint = try AdminCalls.endpoint(AuditAdmin(log: AuditLog(pool: pool), logger: Harness.quiet).endpoints, "GET", "/admin/audit")
        let reply = await endpoint.handle(AdminCalls.call("GET", "/admin/audit", query: ["limit": limit]))
        #expect(reply.status == 400)
        #expect(try AdminCalls.code(reply) == "BAD_REQUEST")
        #expect(String(decoding: reply.body, as: UTF8.self).contains("limit"))
    }

    @Test("Postgres unreachable is 503 DEPENDENCY_UNAVAILABLE")
    func unreachable() async throws {
        let harness = try await Harness.make()
        let pool = try harness.pool()
        pool.close()
        let endpoint = try AdminCalls.endpoint(AuditAdmin(log: AuditLog(pool: pool), logger: Harness.quiet).endpoints, "GET", "/admin/audit")
        let reply = await endpoint.handle(AdminCalls.call("GET", "/admin/audit"))
        #expect(reply.status == 503)
        #expect(try AdminCalls.code(reply) == "DEPENDENCY_UNAVAILABLE")
    }
}
