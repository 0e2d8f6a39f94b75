import Contract
import Kit

/// `/admin/ui/`: what needs a person now (overrides, requests waiting, faults in force), and
/// the Help page.
extension AdminUI {
    func overview(_ call: AdminCall) async -> AdminReply {
        async let overrides = inner("GET", "/admin/budget/overrides", as: call)
        async let approvals = inner("GET", "/admin/approvals", query: ["status": "pending"], as: call)
        async let faults = inner("GET", "/admin/chaos/faults", as: call)
        func count(_ reply: AdminReply, _ key: String, _ noun: String, _ link: String) -> HTML {
            guard reply.status == 200, let list = reply.json?[key]?.arrayValue else {
                return "<li><a href=\"\(link)\">\(noun)</a>: <span class=\"muted\">not shown to you (HTTP \(reply.status))</span></li>"
            }
            return "<li><a href=\"\(link)\">\(noun)</a>: \(list.count)</li>"
        }
        let content: HTML = """
            <section id="live"><h2>Now</h2><ul>
            \(count(await overrides, "overrides", "Overrides active or pending", "/admin/ui/overrides"))
            \(count(await approvals, "approvals", "Requests waiting for four-eyes approval", "/admin/ui/approvals"))
            \(count(await faults, "faults", "Chaos faults in force", "/admin/ui/chaos"))
            </ul></section>
            """
        return UIPage.render("Overview", path: "/admin/ui/", identity: call.identity, csrf: token(call), refreshSeconds: 15, content)
    }

    func help(_ call: AdminCall) -> AdminReply {
        let content: HTML = """
            <section><h2>What each page does</h2>
            <dl>
            <dt>Overrides</dt><dd>Raise a tenant's daily and monthly limits for 1 to 24 hours. Below 2× the override is active at once;
            2× and 3× wait for a second finance_admin, who cannot be the person who asked. Extend adds hours; revoke ends it now.
            Every change is in the audit log with its justification.</dd>
            <dt>Four-eyes queue</dt><dd>Mutations that need two approvals (risk tags, an estimate over $5.00, over 50,000 tokens, another
            tenant named) wait here. Approve or reject one, or select rows and act on them together. The requester cannot approve
            their own request; a team lead only their own tenant's.</dd>
            <dt>Canary health</dt><dd>Each canary tenant's spend against its limits, its days clean and whether it may be escalated,
            and its mutations hour by hour.</dd>
            <dt>Release</dt><dd>The canary cutover: roll back or engage the kill switch (admin, sre, security_admin). The cost
            downshift ladder: set a tier for a while or hand it back to the automatic rules (admin, sre, finance_admin).</dd>
            <dt>Audit log</dt><dd>Every change, hash-chained; filter by tenant, time and action.</dd>
            <dt>Chaos faults</dt><dd>Drills: faults at this gateway's upstream, Postgres and Redis call sites, scoped by share,
            tenant and operation, each with a TTL. They apply on the replica that took the call; /health/ready lists them.</dd>
            </dl>
            <p>Every page shows only what your roles may see through the admin API (the same role table as <code>/admin/*</code>);
            docs/runbook.md and docs/operations.md have the procedures.</p></section>
            """
        return UIPage.render("Help", path: "/admin/ui/help", identity: call.identity, csrf: token(call), content)
    }
}
