import Contract
import Kit

/// `/admin/ui/audit`: the hash-chained audit log, newest first, filtered by tenant, since when
/// and how many (the API's own filters), and by action (among the rows shown).
extension AdminUI {
    func audit(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/audit"
        var query: [String: String] = ["limit": call.query["limit"].flatMap { Int($0) }.map { String(min(max($0, 1), 500)) } ?? "100"]
        for key in ["tenant", "since"] { if let value = call.query[key], !value.isEmpty { query[key] = value } }
        let action = call.query["action"] ?? ""
        let entries: [JSONValue]
        switch await readList("Audit log", page: path, "/admin/audit", key: "entries", query: query, as: call) {
        case .success(let value): entries = value
        case .failure(let page): return page
        }
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
            <section id="live"><h2>\(shown.count) of \(entries.count) rows</h2>
            \(shown.isEmpty ? "<p class=\"empty\">No row matches.</p>" : "<table><thead><tr><th>Seq</th><th>When</th><th>Action</th><th>By</th><th>Tenant</th><th>Reason</th><th>Details</th></tr></thead><tbody>\(rows)</tbody></table>" as HTML)
            </section>
            """
        return UIPage.render("Audit log", path: path, identity: call.identity, csrf: token(call), content)
    }
}
