import Contract
import Kit

/// `POST /admin/approvals/bulk` `{"decision":"approve|reject","ids":["…"],"note":"…"}` (issue 21,
/// SPEC §15): each id is decided on its own exactly as `POST /admin/approvals/{id}/approve|reject`
/// would (its own approver check, its own audit row); one id that fails does not stop the
/// others. The answer lists every id with its status and either the request or why not.
extension ApprovalAdmin {
    static let bulkLimit = 100

    func bulk(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["decision", "ids", "note"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        let verdict: ApprovalStore.Verdict
        switch body["decision"]?.stringValue {
        case "approve": verdict = .approve
        case "reject": verdict = .reject
        default: return .badRequest("decision must be \"approve\" or \"reject\"")
        }
        guard let list = body["ids"]?.arrayValue, !list.isEmpty else { return .badRequest("ids must be a non-empty array of request ids") }
        guard list.count <= Self.bulkLimit else { return .badRequest("ids: at most \(Self.bulkLimit) at once, not \(list.count)") }
        var results: [JSONValue] = []
        var decided = 0
        for item in list {
            guard let id = item.stringValue, !id.isEmpty, id.utf8.count <= 64 else {
                results.append(.members(["id": item, "status": .int(400), "error": .string("an id must be a string")]))
                continue
            }
            let note = body["note"].map { [JSONMember("note", $0)] } ?? []
            let one = AdminCall(
                method: "POST", path: "/admin/approvals/\(id)/\(verdict.rawValue)", parameters: ["id": id], query: [:],
                body: Array(JSONValue.object(note).serialized.utf8), headers: call.headers, identity: call.identity, requestID: call.requestID)
            let reply = await decide(one, verdict)
            let answer = try? JSONValue.parse(reply.body)
            if (200..<300).contains(reply.status) {
                decided += 1
                results.append(.members(["id": .string(id), "status": .int(reply.status), "request": answer ?? .null]))
            } else {
                let message = answer?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? "HTTP \(reply.status)"
                results.append(.members(["id": .string(id), "status": .int(reply.status), "error": .string(message)]))
            }
        }
        return AdminReply(json: .members([
            "decision": .string(verdict.rawValue), "decided": .int(decided), "failed": .int(list.count - decided), "results": .array(results),
        ]))
    }
}
