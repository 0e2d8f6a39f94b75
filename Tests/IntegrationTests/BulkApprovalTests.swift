import Foundation
import Postgres
import Testing
import TestSupport

/// `POST /admin/approvals/bulk` (issue 21): each id decided on its own, with its own approver
/// check and audit row; one bad id is reported and the rest are decided.
@Suite("bulk approvals through the gateway", .serialized)
struct BulkApprovalTests {
    typealias G = FourEyesGatewayTests

    @Test("two requests approved in one call by two people, a malformed and an unknown id reported, the requester refused per id; each decision audited")
    func bulk() async throws {
        let (stack, pool) = try await G.stack()
        defer { pool.close() }
        let port = stack.gatewayPort
        var ids: [String] = []
        for n in 0..<2 {
            let needs = try await G.mutate(port, #"mutation { bulkDeleteEntities(ids: [\"bulk-\#(n)\"]) }"#)
            #expect(needs.status == 403 && needs.code == "APPROVAL_REQUIRED", "\(needs.text)")
            ids.append(try #require(needs.extensions["approvalRequestId"] as? String))
        }
        let unknown = UUID().uuidString.lowercased()
        let list = (ids + ["not-a-uuid", unknown]).map { "\"\($0)\"" }.joined(separator: ",")
        let first = try await G.admin(port, "POST", "/admin/approvals/bulk", user: "alice", roles: "finance_admin",
                                      body: #"{"decision":"approve","ids":[\#(list)],"note":"batch review"}"#)
        #expect(first.status == 200, "\(first.text)")
        #expect(first.json["decided"] as? Int == 2 && first.json["failed"] as? Int == 2, "\(first.text)")
        let results = first.json["results"] as? [[String: Any]] ?? []
        #expect(results.first { $0["id"] as? String == "not-a-uuid" }?["status"] as? Int == 400)
        #expect(results.first { $0["id"] as? String == unknown }?["status"] as? Int == 404)
        // The requester may not approve their own requests, one by one as in bulk.
        let own = try await G.admin(port, "POST", "/admin/approvals/bulk", user: "carol", roles: "finance_admin",
                                    body: #"{"decision":"approve","ids":["\#(ids[0])"]}"#)
        #expect(own.json["decided"] as? Int == 0 && ((own.json["results"] as? [[String: Any]])?.first?["status"] as? Int) == 403, "\(own.text)")
        let second = try await G.admin(port, "POST", "/admin/approvals/bulk", user: "bob", roles: "security_admin",
                                       body: #"{"decision":"approve","ids":["\#(ids[0])","\#(ids[1])"]}"#)
        #expect(second.json["decided"] as? Int == 2, "\(second.text)")
        let statuses = (second.json["results"] as? [[String: Any]] ?? []).compactMap { ($0["request"] as? [String: Any])?["status"] as? String }
        #expect(statuses == ["approved", "approved"], "\(second.text)")
        let audited = try await pool.query("SELECT count(*) FROM audit_log WHERE action = 'approval.approve'").single()[0].int64()
        #expect(audited == 4, "one audit row per decision")
        // The approved mutation passes.
        let passes = try await G.mutate(port, #"mutation { bulkDeleteEntities(ids: [\"bulk-0\"]) }"#, extra: ["X-Approval-Id": ids[0]])
        #expect(passes.status == 200, "\(passes.text)")
    }

    @Test("bad bodies are 400 naming what is wrong; a role outside the approvers is 403")
    func badInput() async throws {
        let (stack, pool) = try await G.stack()
        defer { pool.close() }
        for body in [#"{"decision":"maybe","ids":["x"]}"#, #"{"decision":"approve","ids":[]}"#, #"{"decision":"approve"}"#,
                     #"{"decision":"approve","ids":["x"],"extra":1}"#, "not json"] {
            let reply = try await G.admin(stack.gatewayPort, "POST", "/admin/approvals/bulk", user: "alice", roles: "finance_admin", body: body)
            #expect(reply.status == 400, "\(body): \(reply.text)")
        }
        let analyst = try await G.admin(stack.gatewayPort, "POST", "/admin/approvals/bulk", user: "ann", roles: "analyst",
                                        body: #"{"decision":"approve","ids":["x"]}"#)
        #expect(analyst.status == 403)
    }
}
