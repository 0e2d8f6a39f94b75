import Contract
import Kit

/// `/admin/ui/approvals`: the four-eyes queue (pending requests with their reasons and
/// estimate), approve and reject one, or the selected rows at once.
extension AdminUI {
    func approvals(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/approvals"
        let list: [JSONValue]
        switch await readList("Four-eyes queue", page: path, "/admin/approvals", key: "approvals", query: ["status": "pending"], as: call) {
        case .success(let value): list = value
        case .failure(let page): return page
        }
        let rows = HTML.join(list.map { request -> HTML in
            let id = request["id"]?.stringValue ?? ""
            let reasons = (request["reasons"]?.arrayValue ?? []).map { $0.stringValue ?? $0["message"]?.stringValue ?? $0.serialized }
            let approvals = (request["approvals"]?.arrayValue ?? []).compactMap { $0["approver_id"]?.stringValue }
            return """
                <tr data-approval="\(id)"><td><input type="checkbox" name="select" value="\(id)" aria-label="select \(id)"></td>
                <td>\(request["tenant_id"]?.stringValue)</td><td>\(request["operation_name"]?.stringValue ?? "—")</td>
                <td>\(request["requester_id"]?.stringValue)</td><td>$\(request["estimated_usd"]?.numberText)</td>
                <td>\(reasons.joined(separator: "; "))</td><td>\(approvals.isEmpty ? "none yet" : approvals.joined(separator: ", "))</td>
                <td data-expires-at="\(request["expires_at"]?.stringValue)"></td>
                <td><form class="inline" data-action="approval.approve"><input type="hidden" name="id" value="\(id)"><button type="submit">Approve</button></form>
                <form class="inline" data-action="approval.reject" data-confirm="Reject this request?"><input type="hidden" name="id" value="\(id)"><button class="danger" type="submit">Reject</button></form></td></tr>
                """
        })
        let content: HTML = """
            <section id="live">
            <h2>Pending requests</h2>
            \(list.isEmpty ? "<p class=\"empty\">Nothing waits for approval.</p>" : """
            <p><button data-bulk-action="approval.approve">Approve selected</button>
            <button class="danger" data-bulk-action="approval.reject">Reject selected</button></p>
            <table><thead><tr><th></th><th>Tenant</th><th>Operation</th><th>Requested by</th><th>Estimate</th><th>Why it needs approval</th>
            <th>Approved by</th><th>Expires in</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            """ as HTML)
            </section>
            """
        return UIPage.render("Four-eyes queue", path: path, identity: call.identity, csrf: token(call), refreshSeconds: 10, content)
    }
}
