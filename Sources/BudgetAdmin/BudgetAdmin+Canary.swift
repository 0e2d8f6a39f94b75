import Kit
import Contract
import Ledger
import Postgres

extension BudgetAdmin {
    // MARK: GET /admin/budget/canary-status

    /// The canary tenants: utilization, consecutive clean days, and whether each may be
    /// escalated now — `canary.clean_days` clean days, today not over its limit, and not
    /// already at the escalated limits.
    func canaryStatus(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.sorted().first {
            return .badRequest("unknown query parameter \"\(unknown)\"; canary-status takes none")
        }
        do throws(PostgresError) {
            let tenants = try await Self.tenantStatuses(pool, canaryOnly: true)
            let streaks = try await CanaryStreak.load(pool)
            let generated = try await pool.query("SELECT \(SQLText.utc("now()")) AS now, \(SQLText.today)::text AS day").single()
            var eligible: [String] = []
            let entries: [JSONValue] = tenants.map { tenant in
                let streak = streaks[tenant.tenantID] ?? CanaryStreak(tenantID: tenant.tenantID, cleanDays: 0)
                let verdict = escalationVerdict(tenant, streak)
                if verdict.eligible { eligible.append(tenant.tenantID) }
                return .members([
                    "tenant_id": .string(tenant.tenantID),
                    "daily_usd_limit": MicroDollars.json(tenant.dailyLimit),
                    "monthly_usd_limit": MicroDollars.json(tenant.monthlyLimit),
                    "spent_today_usd": MicroDollars.json(tenant.dailySpent),
                    "reserved_today_usd": MicroDollars.json(tenant.dailyReserved),
                    "spent_this_month_usd": MicroDollars.json(tenant.monthlySpent),
                    "daily_utilization": .decimal(tenant.dailyUtilization),
                    "monthly_utilization": .decimal(tenant.monthlyUtilization),
                    "utilization": .decimal(tenant.utilization),
                    "alert": .bool(tenant.alert),
                    "override_multiplier": .number(tenant.multiplier),
                    "days_clean": .int(streak.cleanDays),
                    "streak_broken_on": .optional(streak.brokenOn),
                    "streak_broken_by": .optional(streak.brokenBy),
                    "escalated": .bool(verdict.escalated),
                    "eligible_for_escalation": .bool(verdict.eligible),
                    "reason": .string(verdict.reason),
                ])
            }
            return AdminReply(json: .members([
                "generated_at": .string(try generated["now"].string()),
                "day": .string(try generated["day"].string()),
                "clean_days_required": .int(canary.cleanDays),
                "escalation": .members([
                    "daily_usd_limit": MicroDollars.json(canary.escalatedDailyMicros),
                    "monthly_usd_limit": MicroDollars.json(canary.escalatedMonthlyMicros),
                ]),
                "canary_tenants": .array(entries),
                "eligible": .strings(eligible),
            ]))
        } catch {
            return AdminReply.database(error)
        }
    }

    struct EscalationVerdict: Equatable {
        var eligible: Bool
        var escalated: Bool
        var reason: String
    }

    func escalationVerdict(_ tenant: TenantBudgetStatus, _ streak: CanaryStreak) -> EscalationVerdict {
        let escalated = tenant.dailyLimit >= canary.escalatedDailyMicros && tenant.monthlyLimit >= canary.escalatedMonthlyMicros
        if escalated {
            return EscalationVerdict(eligible: false, escalated: true, reason: "already at or above the escalated limits")
        }
        if streak.cleanDays < canary.cleanDays {
            var reason = "\(streak.cleanDays) of \(canary.cleanDays) clean days"
            if let day = streak.brokenOn, let why = streak.brokenBy { reason += "; \(day): \(why)" }
            return EscalationVerdict(eligible: false, escalated: false, reason: reason)
        }
        if tenant.dailySpent > tenant.dailyLimit {
            return EscalationVerdict(eligible: false, escalated: false, reason: "today is already over its daily limit")
        }
        return EscalationVerdict(eligible: true, escalated: false, reason: "\(streak.cleanDays) clean days (\(canary.cleanDays) required)")
    }
}
