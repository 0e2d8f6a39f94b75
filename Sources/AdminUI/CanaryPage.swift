import Contract
import Kit

/// `/admin/ui/canary`: canary health — each canary tenant's daily and monthly spend against its
/// limits, days clean, whether it may be escalated and why, and its mutations over the last
/// 24 hours (an inline SVG drawn here: no chart library, nothing for the CSP to allow).
extension AdminUI {
    func canary(_ call: AdminCall) async -> AdminReply {
        let path = "/admin/ui/canary"
        let reply = await inner("GET", "/admin/budget/canary-status", as: call)
        guard reply.status == 200, let status = reply.json, let tenants = status["canary_tenants"]?.arrayValue else {
            return UIPage.problem("Canary health", path: path, identity: call.identity, csrf: token(call), reply)
        }
        var sections: [HTML] = []
        for tenant in tenants {
            let id = tenant["tenant_id"]?.stringValue ?? ""
            let hourly = await inner("GET", "/admin/budget/hourly", query: ["tenant": id], as: call)
            let chart = hourly.status == 200 ? Self.chart(hourly.json?["hours"]?.arrayValue ?? []) : "<p class=\"muted\">no hourly figures (HTTP \(hourly.status))</p>"
            let alerts = await inner("GET", "/admin/alerts", query: ["tenant": id], as: call)
            let eligible = tenant["eligible_for_escalation"]?.boolValue == true
            sections.append("""
                <section data-canary="\(id)"><h2>\(id)</h2>
                <table><tbody>
                <tr><th>Today</th><td>\(Self.meter(tenant["spent_today_usd"], of: tenant["daily_usd_limit"]))
                $\(tenant["spent_today_usd"]?.numberText) of $\(tenant["daily_usd_limit"]?.numberText)
                (reserved $\(tenant["reserved_today_usd"]?.numberText))</td></tr>
                <tr><th>This month</th><td>\(Self.meter(tenant["spent_this_month_usd"], of: tenant["monthly_usd_limit"]))
                $\(tenant["spent_this_month_usd"]?.numberText) of $\(tenant["monthly_usd_limit"]?.numberText)</td></tr>
                <tr><th>Days clean</th><td>\(tenant["days_clean"]?.numberText) of \(status["clean_days_required"]?.numberText) needed
                \(tenant["streak_broken_on"]?.stringValue.map { "(broken on \($0))" } ?? "")</td></tr>
                <tr><th>Escalation</th><td class="\(eligible ? "status-active" : "muted")">\(eligible ? "eligible" : "not eligible"):
                \(tenant["reason"]?.stringValue)</td></tr>
                <tr><th>Override</th><td>\(tenant["override_multiplier"]?.numberText)×</td></tr>
                </tbody></table>
                <h2>Mutations, last 24 hours</h2>\(chart)
                <h2>Alert history, last 24 hours</h2>\(Self.alertList(alerts))
                </section>
                """)
        }
        let content: HTML = """
            <div id="live">
            <p class="muted">Day \(status["day"]?.stringValue) (UTC); figures as of \(status["generated_at"]?.stringValue).</p>
            \(tenants.isEmpty ? "<section><p class=\"empty\">No canary tenant.</p></section>" : HTML.join(sections))
            </div>
            """
        return UIPage.render("Canary health", path: path, identity: call.identity, csrf: token(call), refreshSeconds: 30, content)
    }

    static func alertList(_ reply: AdminReply) -> HTML {
        guard reply.status == 200, let alerts = reply.json?["alerts"]?.arrayValue else {
            return "<p class=\"muted\">no alert history (HTTP \(reply.status))</p>"
        }
        let source = reply.json?["source"]?.stringValue == "prometheus" ? "from Prometheus (ALERTS)" : "from the audit log (promql.url is not set)"
        guard !alerts.isEmpty else { return "<p class=\"empty\">Nothing in the last 24 hours, \(source).</p>" }
        let items = HTML.join(alerts.prefix(50).map { alert in
            "<li class=\"\(alert["firing"]?.boolValue == true ? "status-pending_approval" : "")\">\(alert["from"]?.stringValue)\(alert["to"]?.stringValue.map { " – \($0)" } ?? "") <strong>\(alert["alert"]?.stringValue)</strong>\(alert["severity"]?.stringValue.map { " (\($0))" } ?? "")\(alert["firing"]?.boolValue == true ? " firing" : "")\(alert["detail"]?.stringValue.map { ": \($0)" } ?? "")</li>"
        })
        return "<p class=\"muted\">\(source)</p><ul class=\"alerts\">\(items)</ul>"
    }

    /// `<meter>` of spent against limit (exact decimals read as micro-dollars; no floating point).
    static func meter(_ spent: JSONValue?, of limit: JSONValue?) -> HTML {
        guard let spent = spent.flatMap(MicroDollars.parse), let limit = limit.flatMap(MicroDollars.parse), limit > 0 else { return "" }
        let (scaled, overflow) = spent.multipliedReportingOverflow(by: 1_000)
        let perMille = overflow ? 1_000 : min(1_000, scaled / limit)
        return "<meter min=\"0\" max=\"1000\" low=\"800\" high=\"950\" optimum=\"0\" value=\"\(perMille)\" title=\"\(perMille / 10).\(perMille % 10) %\"></meter>"
    }

    /// One bar an hour: the number of mutations, labelled with the hour (UTC).
    static func chart(_ hours: [JSONValue]) -> HTML {
        guard !hours.isEmpty else { return "<p class=\"empty\">No mutation in the last 24 hours.</p>" }
        let counts = hours.map { $0["mutations"]?.int64Value ?? 0 }
        let most = max(1, counts.max() ?? 1)
        let width = 24 * 22
        let bars = HTML.join(hours.enumerated().map { index, hour in
            let count = counts[index]
            let height = Int(count * 100 / most)
            let label = hour["hour"]?.stringValue ?? ""
            return """
                <rect x="\(index * 22 + 2)" y="\(110 - height)" width="18" height="\(height)"><title>\(label): \(count) mutations, $\(hour["spent_usd"]?.numberText)</title></rect>
                """
        })
        return """
            <svg class="chart" role="img" aria-label="mutations per hour" viewBox="0 0 \(width) 120" width="\(width)" height="120">
            <line x1="0" y1="110" x2="\(width)" y2="110" stroke="#d8dde6"></line>\(bars)</svg>
            <p class="muted">Highest hour: \(Int(most)) mutations.</p>
            """
    }
}
