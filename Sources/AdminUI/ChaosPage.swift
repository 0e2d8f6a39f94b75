import Contract
import Kit

/// `/admin/ui/chaos`: the faults in force (SPEC §13), inject one, clear one or all.
extension AdminUI {
    func chaos(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/chaos"
        let list: [JSONValue]
        switch await readList("Chaos faults", page: path, "/admin/chaos/faults", key: "faults", as: call) {
        case .success(let value): list = value
        case .failure(let page): return page
        }
        let rows = HTML.join(list.map { fault -> HTML in
            let id = fault["id"]?.stringValue ?? ""
            let scope = ["tenant", "operation", "arm"].compactMap { key in fault[key]?.stringValue.map { "\(key) \($0)" } }
            return """
                <tr data-fault="\(id)"><td>\(id)</td><td>\(fault["target"]?.stringValue)</td><td>\(fault["kind"]?.stringValue)</td>
                <td>\(fault["percent"]?.numberText) %</td><td>\(scope.isEmpty ? "all traffic" : scope.joined(separator: ", "))</td>
                <td>\(fault["created_by"]?.stringValue)</td><td>\(fault["reason"]?.stringValue)</td>
                <td data-expires-at="\(fault["expires_at"]?.stringValue)"></td>
                <td><form class="inline" data-action="chaos.clear"><input type="hidden" name="id" value="\(id)"><button class="quiet" type="submit">Clear</button></form></td></tr>
                """
        })
        let content: HTML = """
            <section>
            <h2>Inject a fault</h2>
            <form data-action="chaos.create">
            <label>Target <select name="target"><option value="upstream">upstream</option><option value="postgres">postgres</option>
            <option value="redis">redis</option></select></label>
            <label>Kind <select name="kind"><option value="delay">delay</option><option value="abort">abort</option>
            <option value="error">error</option><option value="reset">reset</option><option value="timeout">timeout</option>
            <option value="truncate">truncate</option></select></label>
            <label>Percent <input name="percent" type="number" min="1" max="100" value="10"></label>
            <label>Delay ms <input name="delay_ms" type="number" min="1"></label>
            <label>Tenant <input name="tenant"></label><label>Operation <input name="operation" placeholder="mutation"></label>
            <label>TTL minutes <input name="ttl_minutes" type="number" min="1" value="15" required></label>
            <label>Reason <input name="reason" required></label>
            <button type="submit">Inject</button>
            </form>
            </section>
            <section id="live">
            <h2>Faults in force</h2>
            \(list.isEmpty ? "<p class=\"empty\">No fault is in force.</p>" : """
            <form data-action="chaos.clear" data-confirm="Clear every fault?"><button class="danger" type="submit">Clear all</button></form>
            <table><thead><tr><th>Id</th><th>Target</th><th>Kind</th><th>Share</th><th>Scope</th><th>By</th><th>Reason</th><th>Expires in</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """ as HTML)
            </section>
            """
        return UIPage.render("Chaos faults", path: path, identity: call.identity, csrf: token(call), refreshSeconds: 10, content)
    }
}
