import Kit

/// The report as JSON (for machines and the CI artifact), CSV (one row per tenant, for a
/// spreadsheet) and HTML (for a mail client: inline styles, no script, every value escaped).
extension DailyReport {
    public enum Format: String, Sendable, CaseIterable {
        case json, csv, html
    }

    public func rendered(_ format: Format) -> String {
        switch format {
        case .json: return json.serialized + "\n"
        case .csv: return csv
        case .html: return html.rendered
        }
    }

    public var json: JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map { .number($0) } ?? .null }
        return .object([
            JSONMember("report", .string("safemut-finops-daily")),
            JSONMember("day", .string(day)),
            JSONMember("generated_at", .string(generatedAt)),
            JSONMember("totals", .object([
                JSONMember("spent_usd", MicroDollars.json(totalSpentMicros)),
                JSONMember("settled_mutations", .number(String(totalSettled))),
                JSONMember("tenants", .number(String(tenants.count))),
            ])),
            JSONMember("tenants", .array(tenants.map { tenant in .object([
                JSONMember("tenant_id", .string(tenant.tenant)),
                JSONMember("canary", .bool(tenant.canary)),
                JSONMember("daily_limit_usd", MicroDollars.json(tenant.dailyLimitMicros)),
                JSONMember("spent_usd", MicroDollars.json(tenant.spentMicros)),
                JSONMember("reserved_usd", MicroDollars.json(tenant.reservedMicros)),
                JSONMember("utilization", optional(tenant.utilization)),
                JSONMember("settled", .number(String(tenant.settled))),
                JSONMember("released", .number(String(tenant.released))),
                JSONMember("reconciled", .number(String(tenant.reconciled))),
                JSONMember("denials", denials.map { all in
                    .object((all[tenant.tenant] ?? [:]).sorted { $0.key < $1.key }.map { JSONMember($0.key, .number(String($0.value))) })
                } ?? .null),
                JSONMember("approvals", .object(tenant.approvals.sorted { $0.key < $1.key }.map { JSONMember($0.key, .number(String($0.value))) })),
                JSONMember("overrides", .array(tenant.overrides.map { override in .object([
                    JSONMember("budget_multiplier", .number(override.multiplier)), JSONMember("status", .string(override.status)),
                    JSONMember("requested_by", .string(override.requestedBy)),
                    JSONMember("approved_by", override.approvedBy.map(JSONValue.string) ?? .null),
                    JSONMember("from", .string(override.from)), JSONMember("until", .string(override.until)),
                ]) })),
            ]) })),
            JSONMember("estimate_accuracy", .array(accuracy.map { entry in .object([
                JSONMember("operation", .string(entry.operation)), JSONMember("count", .number(String(entry.count))),
                JSONMember("estimated_usd", MicroDollars.json(entry.estimatedMicros)), JSONMember("actual_usd", MicroDollars.json(entry.actualMicros)),
                JSONMember("actual_over_estimate", optional(entry.ratio)),
            ]) })),
            JSONMember("budgets", .array(budgets.map { budget in .object([
                JSONMember("budget", .string(budget.name)), JSONMember("monthly_usd", MicroDollars.json(budget.monthlyLimitMicros)),
                JSONMember("month_to_date_usd", budget.monthToDateMicros.map(MicroDollars.json) ?? .null),
                JSONMember("utilization", optional(budget.monthToDateMicros.flatMap { DailyReport.ratio($0, budget.monthlyLimitMicros) })),
                JSONMember("problem", budget.problem.map(JSONValue.string) ?? .null),
            ]) })),
        ])
    }

    /// RFC 4180: a header, one row per tenant, CRLF line ends, fields quoted when they need it.
    public var csv: String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = ["day,tenant_id,canary,daily_limit_usd,spent_usd,reserved_usd,utilization,settled,released,reconciled,denials,overrides,approvals"]
        for tenant in tenants {
            let denied = denials.map { all in (all[tenant.tenant] ?? [:]).values.reduce(0, +) }.map(String.init) ?? ""
            let approvals = tenant.approvals.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append([
                day, tenant.tenant, tenant.canary ? "true" : "false", MicroDollars.text(tenant.dailyLimitMicros),
                MicroDollars.text(tenant.spentMicros), MicroDollars.text(tenant.reservedMicros), tenant.utilization ?? "",
                String(tenant.settled), String(tenant.released), String(tenant.reconciled), denied, String(tenant.overrides.count), approvals,
            ].map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public var html: HTML {
        let cell: HTML = "style=\"padding:4px 8px;border-bottom:1px solid #ddd;text-align:left\""
        let tenantRows = HTML.join(tenants.map { tenant in
            let denied = denials.map { all in String((all[tenant.tenant] ?? [:]).values.reduce(0, +)) } ?? "—"
            return """
                <tr><td \(cell)>\(tenant.tenant)\(tenant.canary ? " (canary)" : "")</td>
                <td \(cell)>$\(MicroDollars.text(tenant.spentMicros))</td><td \(cell)>$\(MicroDollars.text(tenant.dailyLimitMicros))</td>
                <td \(cell)>\(tenant.utilization ?? "—")</td><td \(cell)>\(String(tenant.settled))</td>
                <td \(cell)>\(denied)</td><td \(cell)>\(tenant.overrides.map { "\($0.multiplier)× \($0.status) by \($0.requestedBy)" }.joined(separator: "; "))</td>
                <td \(cell)>\(tenant.approvals.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))</td></tr>
                """
        })
        let accuracyRows = HTML.join(accuracy.map { entry in
            "<tr><td \(cell)>\(entry.operation)</td><td \(cell)>\(String(entry.count))</td><td \(cell)>\(entry.ratio ?? "—")</td></tr>"
        })
        let budgetRows = HTML.join(budgets.map { budget in
            "<tr><td \(cell)>\(budget.name)</td><td \(cell)>\(budget.monthToDateMicros.map { "$" + MicroDollars.text($0) } ?? budget.problem ?? "—")</td><td \(cell)>$\(MicroDollars.text(budget.monthlyLimitMicros))</td></tr>"
        })
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>safemut FinOps report \(day)</title></head>
            <body style="font-family:Arial,sans-serif;color:#1d2430">
            <h1 style="font-size:18px">FinOps daily report, \(day) (UTC)</h1>
            <p>Spent $\(MicroDollars.text(totalSpentMicros)) over \(String(totalSettled)) settled mutations, \(String(tenants.count)) tenants. Generated \(generatedAt).</p>
            <h2 style="font-size:15px">Tenants</h2>
            <table style="border-collapse:collapse"><tr><th \(cell)>Tenant</th><th \(cell)>Spent</th><th \(cell)>Daily limit</th>
            <th \(cell)>Utilization</th><th \(cell)>Mutations</th><th \(cell)>Denials</th><th \(cell)>Overrides</th><th \(cell)>Approvals</th></tr>
            \(tenantRows)</table>
            <h2 style="font-size:15px">Estimate accuracy (actual ÷ estimate)</h2>
            <table style="border-collapse:collapse"><tr><th \(cell)>Operation</th><th \(cell)>Mutations</th><th \(cell)>Ratio</th></tr>\(accuracyRows)</table>
            <h2 style="font-size:15px">Platform budgets, month to date</h2>
            <table style="border-collapse:collapse"><tr><th \(cell)>Budget</th><th \(cell)>Spent</th><th \(cell)>Monthly</th></tr>\(budgetRows)</table>
            \(denials == nil ? "<p style=\"color:#5b6575\">Denials are counted by Prometheus (budget_denials_total); set promql.url to include them.</p>" : "")
            </body></html>

            """
    }
}
