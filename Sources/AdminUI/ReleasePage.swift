import Contract
import Kit

/// `/admin/ui/release`: the release controls as they exist — the canary cutover (stage,
/// weights, the judge's rules per arm, kill switch and rollback, each after a confirmation)
/// and the cost downshift ladder (tier, why, the budgets' burn; set a tier or hand it back).
extension AdminUI {
    func release(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/release"
        async let cutoverReply = inner("GET", "/admin/cutover", as: call)
        async let downshiftReply = inner("GET", "/admin/downshift", as: call)
        let cutover = await cutoverReply, downshift = await downshiftReply
        let content: HTML = """
            <div id="live">
            \(cutover.status == 200 ? Self.cutoverSection(cutover.json ?? .null) : Self.unreadable("Canary cutover", cutover))
            \(downshift.status == 200 ? Self.downshiftSection(downshift.json ?? .null) : Self.unreadable("Cost downshift", downshift))
            </div>
            """
        return UIPage.render("Release controls", path: path, identity: call.identity, csrf: token(call), refreshSeconds: 10, content)
    }

    static func unreadable(_ title: String, _ reply: AdminReply) -> HTML {
        let message = reply.json?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? "HTTP \(reply.status)"
        return "<section><h2>\(title)</h2><p class=\"notice bad\">\(message)</p></section>"
    }

    static func cutoverSection(_ state: JSONValue) -> HTML {
        let stages = (state["stages"]?.arrayValue ?? []).compactMap(\.numberText).map { "\($0) %" }.joined(separator: " → ")
        let rules = HTML.join((state["rules"]?.arrayValue ?? []).map { rule in
            "<tr><td>\(rule["rule"]?.stringValue)</td><td class=\"verdict-\(rule["verdict"]?.stringValue)\">\(rule["verdict"]?.stringValue)</td><td>\(rule["reason"]?.stringValue ?? rule["detail"]?.stringValue ?? "")</td></tr>"
        })
        let engaged = state["kill_switch_engaged"]?.boolValue == true
        return """
            <section data-cutover><h2>Canary cutover</h2>
            <table><tbody>
            <tr><th>Status</th><td>\(state["status"]?.stringValue) \(state["last_reason"]?.stringValue.map { "— \($0)" } ?? "")</td></tr>
            <tr><th>Stage</th><td>\(state["stage"]?.numberText) of \(stages.isEmpty ? "no plan" : stages)</td></tr>
            <tr><th>Weight</th><td>\(state["weight_percent"]?.numberText) % planned, \(state["routed_weight_percent"]?.numberText) % routed to \(state["canary_upstream"]?.stringValue ?? "no canary upstream")</td></tr>
            <tr><th>Hold left</th><td>\(state["hold_remaining_seconds"]?.numberText.map { "\($0) s" } ?? "—")</td></tr>
            <tr><th>Judge</th><td>\(state["verdict"]?.stringValue)</td></tr>
            <tr data-kill-switch="\(engaged ? "engaged" : "off")"><th>Kill switch</th><td>\(engaged ? "engaged: the canary takes no traffic" : "off")</td></tr>
            </tbody></table>
            \(rules.rendered.isEmpty ? "" : "<table><thead><tr><th>Rule</th><th>Verdict</th><th>Why</th></tr></thead><tbody>\(rules)</tbody></table>" as HTML)
            <p>
            <form class="inline" data-action="cutover.rollback" data-confirm="Roll the cutover back to the last stable release?">
            <input type="hidden" name="reason" value="rolled back from the admin UI"><button class="danger" type="submit">Roll back</button></form>
            <form class="inline" data-action="cutover.kill-switch" data-confirm="\(engaged ? "Release the kill switch?" : "Engage the kill switch: no traffic to the canary on any replica?")">
            <input type="hidden" name="enable" value="\(engaged ? "true" : "false")">
            <label>Reason <input name="reason" required></label>
            <button class="danger" type="submit">\(engaged ? "Release the kill switch" : "Engage the kill switch")</button></form>
            </p>
            </section>
            """
    }

    static func downshiftSection(_ state: JSONValue) -> HTML {
        let budgets = HTML.join((state["budgets"]?.arrayValue ?? []).map { budget in
            "<tr><td>\(budget["budget"]?.stringValue)</td><td>\(meter(budget["spent_usd"], of: budget["limit_usd"])) $\(budget["spent_usd"]?.numberText ?? "?") of $\(budget["limit_usd"]?.numberText ?? "?")</td><td>\(budget["problem"]?.stringValue ?? "")</td></tr>"
        })
        let manual = state["manual"].flatMap { $0.isNull ? nil : $0 }
        let checks = HTML.join((state["synthetic_checks"]?.arrayValue ?? []).map { check in
            let ok = check["ok"]?.boolValue == true
            return "<tr data-synthetic=\"\(check["check"]?.stringValue)\"><td>\(check["check"]?.stringValue)</td><td>P\(check["priority"]?.numberText)</td><td>\(check["tier"]?.numberText)</td><td class=\"\(ok ? "status-active" : "status-pending_approval")\">\(ok ? "ok" : "failing")</td><td>\(check["detail"]?.stringValue)</td></tr>"
        })
        let options = HTML.join((0...6).map { "<option value=\"\($0)\">\($0)</option>" })
        return """
            <section data-downshift><h2>Cost downshift</h2>
            <table><tbody>
            <tr><th>Tier</th><td>\(state["tier"]?.numberText) (\(state["tier_name"]?.stringValue)) since \(state["since"]?.stringValue)</td></tr>
            <tr><th>Set by hand</th><td>\(manual.map { "tier \($0["tier"]?.numberText ?? "") by \($0["set_by"]?.stringValue ?? ""): \($0["reason"]?.stringValue ?? "")" } ?? "no")</td></tr>
            <tr><th>Automatic</th><td>tier \(state["automatic"]?["tier"]?.numberText): \(state["automatic"]?["reason"]?.stringValue)</td></tr>
            </tbody></table>
            \(budgets.rendered.isEmpty ? "" : "<table><thead><tr><th>Budget</th><th>Burn</th><th></th></tr></thead><tbody>\(budgets)</tbody></table>" as HTML)
            \(checks.rendered.isEmpty ? "<p class=\"muted\">No synthetic check is configured (downshift.synthetic).</p>" : "<h2>Synthetic checks</h2><table><thead><tr><th>Check</th><th>Priority</th><th>At tier</th><th>Result</th><th>Detail</th></tr></thead><tbody>\(checks)</tbody></table>" as HTML)
            <form data-action="downshift.set">
            <label>Tier <select name="tier">\(options)</select></label>
            <label>Minutes <input name="ttl_minutes" type="number" min="1" value="60"></label>
            <label>Reason <input name="reason" required></label>
            <button type="submit">Set tier</button></form>
            \(manual == nil ? "" : "<form data-action=\"downshift.auto\"><label>Reason <input name=\"reason\" required></label><button class=\"quiet\" type=\"submit\">Hand back to the automatic rules</button></form>" as HTML)
            </section>
            """
    }
}
