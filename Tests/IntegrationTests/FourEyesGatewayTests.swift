import Foundation
import Logging
import Postgres
import Testing
import TestSupport

/// Four-eyes through the real binaries (SPEC §2): safemut in front of intelgraph-demo with
/// a real Postgres. A `bulkDeleteEntities` needs approval, two people approve it, and the
/// re-sent mutation passes once; the requester, a repeat approver and a team lead of
/// another tenant are refused; an emergency override relaxes the cheap low-risk cases only.
@Suite("Four-eyes through the gateway", .serialized)
struct FourEyesGatewayTests {
    static let bulkDelete = #"mutation { bulkDeleteEntities(ids: [\"e-1\", \"e-2\"]) }"#
    static let deleteOne = #"mutation { deleteEntity(id: \"e-3\") }"#
    static let move = #"mutation Move($t: String!) { moveEntityToTenant(id: \"e-4\", targetTenant: $t) { id } }"#

    struct Reply {
        let status: Int
        let json: [String: Any]
        let text: String
        var code: String? { ((json["errors"] as? [[String: Any]])?.first?["extensions"] as? [String: Any])?["code"] as? String }
        var extensions: [String: Any] { ((json["errors"] as? [[String: Any]])?.first?["extensions"] as? [String: Any]) ?? [:] }
    }

    static func send(_ port: Int, _ method: String, _ path: String, body: String = "", headers: [String: String]) async throws -> Reply {
        let (status, text) = try await offPool {
            let client = try RawHTTPClient(port: port, timeout: 15)
            var head = "\(method) \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
            try client.send(head + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
            let response = try client.readResponse(method: method)
            return (response.status, response.text)
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return Reply(status: status, json: json, text: text)
    }

    static func mutate(_ port: Int, _ query: String, variables: String? = nil, user: String = "carol", extra: [String: String] = [:]) async throws -> Reply {
        let body = variables.map { #"{"query":"\#(query)","variables":\#($0)}"# } ?? #"{"query":"\#(query)"}"#
        return try await send(port, "POST", "/graphql", body: body, headers: ["X-Tenant": "demo", "X-User-Id": user].merging(extra) { $1 })
    }

    static func admin(_ port: Int, _ method: String, _ path: String, user: String, roles: String, tenant: String = "demo", body: String = "") async throws -> Reply {
        try await send(port, method, path, body: body, headers: ["X-Tenant": tenant, "X-User-Id": user, "X-Roles": roles])
    }

    static func stack() async throws -> (DemoStack, PostgresPool) {
        let url = try await offPool { try PQStack.migratedDatabase() }
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: url, maxConnections: 2),
                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let stack = try await offPool { try DemoStack(environment: ["DATABASE_URL": url]) }
        return (stack, pool)
    }

    @Test("bulkDeleteEntities: APPROVAL_REQUIRED, two approvers, then it passes exactly once")
    func approvalFlow() async throws {
        let (stack, pool) = try await Self.stack()
        defer { pool.close() }
        let port = stack.gatewayPort

        let first = try await Self.mutate(port, Self.bulkDelete)
        #expect(first.status == 403, "\(first.text)")
        #expect(first.code == "APPROVAL_REQUIRED")
        let id = try #require(first.extensions["approvalRequestId"] as? String)
        #expect((first.extensions["reasons"] as? [String]) == ["risk_tag:bulk_delete"])
        // A retry before approval is the same request, not a second one in the queue.
        let retry = try await Self.mutate(port, Self.bulkDelete)
        #expect(retry.extensions["approvalRequestId"] as? String == id)

        let queue = try await Self.admin(port, "GET", "/admin/approvals?status=pending", user: "alice", roles: "finance_admin")
        #expect(queue.status == 200)
        #expect((queue.json["approvals"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])

        // The requester, a team lead of another tenant, and an unknown role are refused.
        let selfApproval = try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: "carol", roles: "admin")
        #expect(selfApproval.status == 403, "\(selfApproval.text)")
        let otherLead = try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: "tl", roles: "team_lead", tenant: "test")
        #expect(otherLead.status == 403, "\(otherLead.text)")
        let analyst = try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: "ann", roles: "analyst")
        #expect(analyst.status == 403, "\(analyst.text)")

        let alice = try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: "alice", roles: "finance_admin",
                                         body: #"{"note":"cleanup ticket 42"}"#)
        #expect(alice.status == 200, "\(alice.text)")
        #expect(alice.json["status"] as? String == "pending")
        let aliceAgain = try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: "alice", roles: "finance_admin")
        #expect(aliceAgain.status == 409, "\(aliceAgain.text)")
        // Approved but not yet by two: the re-send is still refused.
        let early = try await Self.mutate(port, Self.bulkDelete, extra: ["X-Approval-Id": id])
        #expect(early.status == 403)
        #expect(early.text.contains("more approval"))

        let lead = try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: "dora", roles: "team_lead")
        #expect(lead.status == 200, "\(lead.text)")
        #expect(lead.json["status"] as? String == "approved")

        // Other variables (here: another document) are refused; the exact mutation passes once.
        let other = try await Self.mutate(port, #"mutation { bulkDeleteEntities(ids: [\"e-1\"]) }"#, extra: ["X-Approval-Id": id])
        #expect(other.status == 403, "\(other.text)")
        let passed = try await Self.mutate(port, Self.bulkDelete, extra: ["X-Approval-Id": id])
        #expect(passed.status == 200, "\(passed.text)")
        #expect(passed.text.contains("bulkDeleteEntities"))
        let replay = try await Self.mutate(port, Self.bulkDelete, extra: ["X-Approval-Id": id])
        #expect(replay.status == 403)
        #expect(replay.text.contains("already used"))

        let actions = try await pool.query(
            "SELECT action FROM audit_log WHERE action LIKE 'approval.%' ORDER BY seq").map { try $0[0].string() }
        #expect(actions == ["approval.request", "approval.approve", "approval.approve", "approval.use"])
    }

    @Test("a client retry with the same Idempotency-Key gets the first answer; another key stays refused")
    func idempotentRetryOfAnApprovedMutation() async throws {
        let (stack, pool) = try await Self.stack()
        defer { pool.close() }
        let port = stack.gatewayPort
        let id = try #require(try await Self.mutate(port, Self.bulkDelete).extensions["approvalRequestId"] as? String)
        for (user, roles) in [("alice", "finance_admin"), ("sam", "security_admin")] {
            #expect(try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: user, roles: roles).status == 200)
        }
        let first = try await Self.mutate(port, Self.bulkDelete, extra: ["X-Approval-Id": id, "Idempotency-Key": "bulk-42"])
        #expect(first.status == 200, "\(first.text)")
        // The settlement (which keeps the answer) runs after the response: retry until replayed.
        var replayed: Reply?
        for _ in 0..<50 {
            let retry = try await Self.mutate(port, Self.bulkDelete, extra: ["X-Approval-Id": id, "Idempotency-Key": "bulk-42"])
            if retry.status == 200 { replayed = retry; break }
            #expect(retry.status == 409, "a retry in flight is 409, got \(retry.status): \(retry.text)")
            try await Task.sleep(for: .milliseconds(100))
        }
        let replay = try #require(replayed)
        #expect(replay.text == first.text, "the replay is the first answer")
        let otherKey = try await Self.mutate(port, Self.bulkDelete, extra: ["X-Approval-Id": id, "Idempotency-Key": "bulk-43"])
        #expect(otherKey.status == 403, "\(otherKey.text)")
        #expect(otherKey.text.contains("already used"))
        let executed = try await pool.query(
            "SELECT count(*) FROM budget_ledger WHERE tenant_id = 'demo' AND idempotency_key = 'bulk-42'").single()[0].int64()
        #expect(executed == 1, "one debit for the approved mutation and its retries")
    }

    @Test("variables.approvers as evidence, bound to the variables it was approved with")
    func approversVariable() async throws {
        let (stack, pool) = try await Self.stack()
        defer { pool.close() }
        let port = stack.gatewayPort
        let first = try await Self.mutate(port, Self.move, variables: #"{"t":"test"}"#)
        #expect(first.code == "APPROVAL_REQUIRED", "\(first.text)")
        let reasons = first.extensions["reasons"] as? [String] ?? []
        #expect(reasons.contains("cross_tenant"), "\(reasons)")
        let id = try #require(first.extensions["approvalRequestId"] as? String)
        for (user, roles) in [("alice", "finance_admin"), ("sam", "security_admin")] {
            #expect(try await Self.admin(port, "POST", "/admin/approvals/\(id)/approve", user: user, roles: roles).status == 200)
        }
        let otherVariables = try await Self.mutate(port, Self.move, variables: #"{"t":"maestro-internal","approvers":["alice","sam"]}"#)
        #expect(otherVariables.status == 403, "\(otherVariables.text)")
        let passed = try await Self.mutate(port, Self.move, variables: #"{"approvers":["sam","alice"],"t":"test"}"#)
        #expect(passed.status == 200, "\(passed.text)")
    }

    @Test("a rejected request stays refused")
    func rejection() async throws {
        let (stack, pool) = try await Self.stack()
        defer { pool.close() }
        let port = stack.gatewayPort
        let id = try #require(try await Self.mutate(port, Self.deleteOne).extensions["approvalRequestId"] as? String)
        let rejected = try await Self.admin(port, "POST", "/admin/approvals/\(id)/reject", user: "sam", roles: "security_admin",
                                            body: #"{"reason":"not during the freeze"}"#)
        #expect(rejected.json["status"] as? String == "rejected", "\(rejected.text)")
        #expect(try await Self.mutate(port, Self.deleteOne, extra: ["X-Approval-Id": id]).status == 403)
        let listed = try await Self.admin(port, "GET", "/admin/approvals?status=rejected", user: "sam", roles: "security_admin")
        #expect((listed.json["approvals"] as? [[String: Any]])?.count == 1)
    }

    @Test("the emergency override relaxes cheap low-risk mutations only, shows in budget status, and is bounded")
    func emergencyOverride() async throws {
        let (stack, pool) = try await Self.stack()
        defer { pool.close() }
        let port = stack.gatewayPort
        #expect(try await Self.mutate(port, Self.deleteOne).code == "APPROVAL_REQUIRED")

        for bad in [#"{"ttl_minutes":60}"#, #"{"reason":"x","ttl_minutes":240}"#, #"{"reason":"x","expires_hours":4}"#, #"{"reason":"x","ttl":5}"#] {
            let refused = try await Self.admin(port, "POST", "/admin/policy/emergency-override", user: "sam", roles: "security_admin", body: bad)
            #expect(refused.status == 400, "\(bad): \(refused.text)")
        }
        let finance = try await Self.admin(port, "POST", "/admin/policy/emergency-override", user: "alice", roles: "finance_admin",
                                           body: #"{"reason":"rollback"}"#)
        #expect(finance.status == 403)

        let created = try await Self.admin(port, "POST", "/admin/policy/emergency-override", user: "sam", roles: "security_admin",
                                           body: #"{"reason":"rollback in progress","ttl_minutes":30}"#)
        #expect(created.status == 201, "\(created.text)")
        let overrideID = try #require(created.json["id"] as? String)
        // destructive is not a high-risk tag and $0.05 ≤ $10: relaxed. bulk_delete stays.
        let relaxed = try await Self.mutate(port, Self.deleteOne)
        #expect(relaxed.status == 200, "\(relaxed.text)")
        #expect(try await Self.mutate(port, Self.bulkDelete).code == "APPROVAL_REQUIRED")

        let status = try await Self.admin(port, "GET", "/admin/budget/status", user: "alice", roles: "finance_admin")
        #expect((status.json["emergency_override"] as? [String: Any])?["id"] as? String == overrideID, "\(status.text)")
        let metrics = try await Self.send(port, "GET", "/metrics", headers: [:])
        #expect(metrics.text.contains("policy_emergency_override_active 1"), "gauge not set")

        let revoked = try await Self.admin(port, "DELETE", "/admin/policy/emergency-override/\(overrideID)", user: "sam", roles: "security_admin")
        #expect(revoked.status == 200, "\(revoked.text)")
        #expect(try await Self.mutate(port, #"mutation { deleteEntity(id: \"e-5\") }"#).code == "APPROVAL_REQUIRED")
        let actions = try await pool.query(
            "SELECT action FROM audit_log WHERE action LIKE 'policy.%' ORDER BY seq").map { try $0[0].string() }
        #expect(actions == ["policy.emergency_override.create", "policy.emergency_override.revoke"])
    }
}
