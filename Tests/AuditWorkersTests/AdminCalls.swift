import Identity
import Kit
import Testing
import Contract
@testable import Admin

/// Admin calls as `AdminAPI` hands them to a handler (routing and roles already done).
enum AdminCalls {
    static func call(_ method: String, _ path: String, query: [String: String] = [:], body: String = "") -> AdminCall {
        AdminCall(
            method: method, path: path, parameters: [:], query: query, body: Array(body.utf8), headers: [],
            identity: Identity(subject: "alice", tenant: "*", roles: [Role.admin, Role.financeAdmin], source: .headers),
            requestID: "req-test-1")
    }

    static func json(_ reply: AdminReply) throws -> JSONValue {
        try JSONValue.parse(reply.body)
    }

    /// The SPEC §1 error code of an error reply.
    static func code(_ reply: AdminReply) throws -> String? {
        try json(reply)["errors"]?.arrayValue?.first?["extensions"]?["code"]?.stringValue
    }

    static func endpoint(_ endpoints: [AdminEndpoint], _ method: String, _ template: String) throws -> AdminEndpoint {
        try #require(endpoints.first { $0.method == method && $0.template == template })
    }
}
