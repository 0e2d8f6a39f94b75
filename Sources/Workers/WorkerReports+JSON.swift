import Kit
import Ledger

extension ReconcileReport {
    /// The one-object summary kept in the status.
    public var summary: JSONValue {
        .object([
            JSONMember("today", .string(today)),
            JSONMember("tenants", .number(String(tenants.count))),
            // Stale reservations are settled at their estimate, not released (they may
            // have run); the key names stay for dashboards and scripts that read them.
            JSONMember("expired_reservations", .number(String(expired))),
            JSONMember("expired_usd", MicroDollars.json(tenants.reduce(0) { $0 + $1.expiredMicros })),
            JSONMember("stale_settled_at_estimate", .number(String(expired))),
            JSONMember("failed_tenants", .number(String(failures.count))),
        ])
    }
}

extension EscalationReport {
    /// The one-object summary kept in the status.
    public var summary: JSONValue {
        .object([
            JSONMember("today", .string(today)),
            JSONMember("dry_run", .bool(dryRun)),
            JSONMember("canary_tenants", .number(String(decisions.count))),
            JSONMember("escalated", .number(String(escalated))),
            JSONMember("would_escalate", .number(String(decisions.filter { $0.outcome == .wouldEscalate }.count))),
            JSONMember("failed_tenants", .number(String(failed))),
        ])
    }

    /// The whole report, for `POST /admin/workers/canary-escalate`.
    public var json: JSONValue {
        .object([
            JSONMember("today", .string(today)),
            JSONMember("dry_run", .bool(dryRun)),
            JSONMember("dry_run_forced_by_config", .bool(dryRunForcedByConfig)),
            JSONMember("clean_days_required", .number(String(cleanDaysRequired))),
            JSONMember("escalated", .number(String(escalated))),
            JSONMember("decisions", .array(decisions.map(\.json))),
        ])
    }
}

extension EscalationDecision {
    public var json: JSONValue {
        var members = [
            JSONMember("tenant_id", .string(tenant)),
            JSONMember("decision", .string(outcome.name)),
            JSONMember("clean_days", cleanDays.map { .number(String($0)) } ?? .null),
            JSONMember("daily_usd_limit", dailyLimitMicros.map(MicroDollars.json) ?? .null),
            JSONMember("monthly_usd_limit", monthlyLimitMicros.map(MicroDollars.json) ?? .null),
            JSONMember("escalation_id", escalationID.map { .string($0) } ?? .null),
        ]
        switch outcome {
        case .notEligible(let reason): members.append(JSONMember("reason", .string(reason)))
        case .failed(let error): members.append(JSONMember("error", .string(error)))
        default: break
        }
        return .object(members)
    }
}
