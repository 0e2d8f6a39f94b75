import Contract
import Kit

extension String {
    /// Two hex digits.
    fileprivate var leftPadded: String { count == 1 ? "0" + self : self }
}

/// `/admin/ui/audit`: the hash-chained audit log, oldest first from `since`, a page at a time
/// (the API's own filters: tenant, since, rows, after_seq), and by action among the rows shown.
extension AdminUI {
    func audit(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/audit"
        var query: [String: String] = ["limit": call.query["limit"].flatMap { Int($0) }.map { String(min(max($0, 1), 500)) } ?? "100"]
        for key in ["tenant", "since", "after_seq"] { if let value = call.query[key], !value.isEmpty { query[key] = value } }
        let action = call.query["action"] ?? ""
        let reply = await inner("GET", "/admin/audit", query: query, as: call)
        guard reply.status == 200, let entries = reply.json?["entries"]?.arrayValue else {
            return UIPage.problem("Audit log", path: path, identity: call.identity, csrf: token(call), reply)
        }
        var next = query
        next["action"] = action.isEmpty ? nil : action
        let nextLink: HTML = reply.json?["next_after_seq"]?.numberText.map { seq -> HTML in
            next["after_seq"] = seq
            let href = "/admin/ui/audit?" + next.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.queryEncode($0.value))" }.joined(separator: "&")
            return "<p><a class=\"next\" href=\"\(href)\">Next page</a></p>"
        } ?? ""
        let shown = entries.filter { action.isEmpty || ($0["action"]?.stringValue ?? "").hasPrefix(action) }
        let rows = HTML.join(shown.map { entry in
            """
            <tr><td>\(entry["seq"]?.numberText)</td><td>\(entry["created_at"]?.stringValue)</td><td>\(entry["action"]?.stringValue)</td>
            <td>\(entry["created_by"]?.stringValue)</td><td>\(entry["tenant_id"]?.stringValue ?? "—")</td><td>\(entry["reason"]?.stringValue ?? "")</td>
            <td><code>\(entry["details"]?.serialized ?? "")</code></td></tr>
            """
        })
        let content: HTML = """
            <section><form method="get" action="/admin/ui/audit">
            <label>Tenant <input name="tenant" value="\(query["tenant"] ?? "")"></label>
            <label>Since <input name="since" placeholder="2026-12-01T00:00:00Z" value="\(query["since"] ?? "")"></label>
            <label>Action starts with <input name="action" placeholder="budget.override" value="\(action)"></label>
            <label>Rows <input name="limit" type="number" min="1" max="500" value="\(query["limit"] ?? "100")"></label>
            <button type="submit">Filter</button></form></section>
            <section id="live"><h2>\(shown.count) of \(entries.count) rows</h2>\(nextLink)
            \(shown.isEmpty ? "<p class=\"empty\">No row matches.</p>" : "<table><thead><tr><th>Seq</th><th>When</th><th>Action</th><th>By</th><th>Tenant</th><th>Reason</th><th>Details</th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
            </section>
            """
        return UIPage.render("Audit log", path: path, identity: call.identity, csrf: token(call), content)
    }

    /// A query-string value: unreserved bytes as they are, the rest percent-encoded.
    static func queryEncode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            if (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "-._~".utf8.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded
            }
        }
        return out
    }
}
