import Contract
import Kit

/// `/admin/ui/overrides`: the self-serve override form and the active overrides (countdown,
/// extend, revoke, approve), refreshed every 10 s.
extension AdminUI {
    func overrides(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/overrides"
        let list: [JSONValue]
        switch await readList("Overrides", page: path, "/admin/budget/overrides", key: "overrides", as: call) {
        case .success(let value): list = value
        case .failure(let page): return page
        }
        let status = await inner("GET", "/admin/budget/status", as: call)
        let tenants = (status.json?["tenants"]?.arrayValue ?? []).compactMap { $0["tenant_id"]?.stringValue }
        let tenantOptions = HTML.join(tenants.map { "<option value=\"\($0)\">\($0)</option>" })
        // Each override's own audit history: its tenant's rows that name it.
        var history: [String: [JSONValue]] = [:]
        // The log reads oldest first: from the tenant's earliest listed override on.
        var since: [String: String] = [:]
        for override in list {
            guard let tenant = override["tenant_id"]?.stringValue, let created = override["created_at"]?.stringValue else { continue }
            since[tenant] = min(since[tenant] ?? created, created)
        }
        for (tenant, from) in since.sorted(by: { $0.key < $1.key }) {
            let audit = await inner("GET", "/admin/audit", query: ["tenant": tenant, "since": from, "limit": "500"], as: call)
            for entry in audit.json?["entries"]?.arrayValue ?? [] {
                if let id = entry["details"]?["override_id"]?.stringValue { history[id, default: []].append(entry) }
            }
        }
        let rows = HTML.join(list.map { Self.overrideRow($0, history: history[$0["id"]?.stringValue ?? ""] ?? []) })
        let content: HTML = """
            <section>
            <h2>Request an override</h2>
            <form data-action="override.create">
            <label>Tenant <select name="tenant_id" required>\(tenantOptions)</select></label>
            <label>Multiplier <select name="budget_multiplier">
            <option value="1.5">1.5× (active at once)</option><option value="2">2× (a second finance_admin approves)</option>
            <option value="3">3× (a second finance_admin approves)</option></select></label>
            <label>Duration <select name="expires_hours"><option value="1">1 h</option><option value="4">4 h</option>
            <option value="12">12 h</option><option value="24">24 h</option></select></label>
            <label for="note">Justification (required, kept in the audit log)</label>
            <textarea id="note" name="note" required maxlength="2000"></textarea>
            <button type="submit">Request override</button>
            </form>
            </section>
            <section id="live">
            <h2>Active and pending overrides</h2>
            \(list.isEmpty ? "<p class=\"empty\">No override is active or pending.</p>" : """
            <table><thead><tr><th>Tenant</th><th>Multiplier</th><th>Status</th><th>Expires in</th><th>Requested by</th>
            <th>Approved by</th><th>Spent since</th><th>Justification</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            """ as HTML)
            </section>
            """
        return UIPage.render("Overrides", path: path, identity: call.identity, csrf: token(call), refreshSeconds: 10, content)
    }

    static func overrideRow(_ override: JSONValue, history: [JSONValue]) -> HTML {
        let id = override["id"]?.stringValue ?? ""
        let status = override["status"]?.stringValue ?? ""
        let approve: HTML = status == "pending_approval"
            ? "<form class=\"inline\" data-action=\"override.approve\"><input type=\"hidden\" name=\"id\" value=\"\(id)\"><button type=\"submit\">Approve</button></form>"
            : ""
        return """
            <tr data-override="\(id)"><td>\(override["tenant_id"]?.stringValue)</td><td>\(override["budget_multiplier"]?.numberText)×</td>
            <td class="status-\(status)">\(status.replacingOccurrences(of: "_", with: " "))</td>
            <td data-expires-at="\(override["expires_at"]?.stringValue)">\(override["remaining_seconds"]?.numberText) s</td>
            <td>\(override["requested_by"]?.stringValue)</td><td>\(override["approved_by"]?.stringValue ?? "—")</td>
            <td class="spent">$\(override["spent_since_usd"]?.numberText ?? "?")</td>
            <td><span class="note">\(override["note"]?.stringValue)</span>
            <details class="history"><summary>History (\(history.count))</summary><ul>\(HTML.join(history.map { entry in
                "<li>\(entry["created_at"]?.stringValue) \(entry["action"]?.stringValue) by \(entry["created_by"]?.stringValue)\(entry["reason"]?.stringValue.map { ": \($0)" } ?? "")</li>"
            }))</ul></details></td>
            <td>\(approve)
            <form class="inline" data-action="override.extend"><input type="hidden" name="id" value="\(id)"><input type="hidden" name="hours" value="1"><button class="quiet" type="submit">+1 h</button></form>
            <form class="inline" data-action="override.revoke" data-confirm="Revoke this override now?"><input type="hidden" name="id" value="\(id)"><button class="danger" type="submit">Revoke</button></form>
            </td></tr>
            """
    }
}
