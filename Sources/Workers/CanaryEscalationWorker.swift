import Audit
import Kit
import Ledger
import Logging
import Postgres

/// One pass of canary escalation over every canary tenant (the rule: `CanaryEscalationRule`).
///
/// Safe to run from several places at once (leader, CLI, admin call): each tenant's
/// decision is taken under its row lock and raises limits only from the seed values, so a
/// second pass sees escalated limits and does nothing.
public struct CanaryEscalationWorker: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    /// `canary.clean_days`.
    public let cleanDaysRequired: Int
    /// `canary.escalation_dry_run`: every pass is a dry run.
    public let configDryRun: Bool
    let logger: Logger

    public init(pool: PostgresPool, audit: AuditLog, cleanDaysRequired: Int, configDryRun: Bool, logger: Logger) {
        self.pool = pool
        self.audit = audit
        self.cleanDaysRequired = max(0, cleanDaysRequired)
        self.configDryRun = configDryRun
        self.logger = logger
    }

    static let canaries = "SELECT tenant_id FROM tenant_budget WHERE canary ORDER BY tenant_id"
    static let today = "SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today"

    static let lockTenant = """
        SELECT canary, daily_usd_limit, monthly_usd_limit FROM tenant_budget WHERE tenant_id = $1 FOR UPDATE
        """

    static let cleanDays = """
        SELECT c.clean_days, to_char(c.broken_on, 'YYYY-MM-DD') AS broken_on, c.broken_by,
               canary_day_dirt($1, (now() AT TIME ZONE 'UTC')::date, false) AS today_dirt
        FROM canary_clean_days($1, (now() AT TIME ZONE 'UTC')::date, $2::integer) AS c
        """

    static let recordedToday = """
        SELECT 1 FROM canary_escalations
        WHERE tenant_id = $1 AND dry_run
          AND created_at >= (now() AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC'
        LIMIT 1
        """

    static let raise = """
        UPDATE tenant_budget SET daily_usd_limit = $2, monthly_usd_limit = $3, updated_at = now()
        WHERE tenant_id = $1 AND daily_usd_limit = $4 AND monthly_usd_limit = $5
        """

    static let record = """
        INSERT INTO canary_escalations (
            tenant_id, from_daily_usd, to_daily_usd, from_monthly_usd, to_monthly_usd,
            clean_days, dry_run, applied, decided_by, reason)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        RETURNING id
        """

    /// Decides for every canary tenant. `dryRun` asks for a dry run; the configuration can
    /// force one. Throws only when Postgres cannot be reached.
    public func runOnce(dryRun requested: Bool, trigger: EscalationTrigger) async throws(PostgresError) -> EscalationReport {
        let dryRun = requested || configDryRun
        let tenants = try await pool.query(Self.canaries).map { row throws(PostgresError) in try row["tenant_id"].string() }
        var report = EscalationReport(
            today: try await pool.query(Self.today).single()["today"].string(), dryRun: dryRun,
            dryRunForcedByConfig: dryRun && !requested, cleanDaysRequired: cleanDaysRequired, decisions: [])
        for tenant in tenants where !Task.isCancelled {
            do {
                let decision = try await pool.transaction { session in
                    try await self.decide(tenant, dryRun: dryRun, trigger: trigger, in: session)
                }
                if let decision { report.decisions.append(decision) }
            } catch let error as PostgresError where error.isUnreachable {
                throw error
            } catch {
                logger.error("canary escalation failed for a tenant", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
                report.decisions.append(EscalationDecision(tenant: tenant, outcome: .failed(error: "\(error)")))
            }
        }
        for decision in report.decisions where decision.outcome == .escalated || decision.outcome == .wouldEscalate {
            logger.notice("canary escalation decided", metadata: [
                "tenant": "\(decision.tenant)", "outcome": "\(decision.outcome.name)", "clean_days": "\(decision.cleanDays ?? 0)",
            ])
        }
        return report
    }

    /// One tenant's decision inside its transaction; nil when it is no longer a canary.
    func decide(_ tenant: String, dryRun: Bool, trigger: EscalationTrigger, in session: PostgresSession) async throws(PostgresError) -> EscalationDecision? {
        guard let row = try await session.query(Self.lockTenant, [.text(tenant)]).first, try row["canary"].bool() else { return nil }
        let daily = try row["daily_usd_limit"].micros()
        let monthly = try row["monthly_usd_limit"].micros()
        var decision = EscalationDecision(tenant: tenant, outcome: .notAtSeedLimits, dailyLimitMicros: daily, monthlyLimitMicros: monthly)
        guard CanaryEscalationRule.isSeed(dailyMicros: daily, monthlyMicros: monthly) else { return decision }

        let clean = try await session.query(Self.cleanDays, [.text(tenant), .int(Int64(cleanDaysRequired))]).single()
        let cleanDays = try clean["clean_days"].int()
        decision.cleanDays = cleanDays
        if cleanDays < cleanDaysRequired {
            let day = try clean["broken_on"].nonNull?.string() ?? "?"
            let why = try clean["broken_by"].nonNull?.string() ?? "not clean"
            decision.outcome = .notEligible(reason: "\(cleanDays) of \(cleanDaysRequired) clean days: \(day) had \(why)")
            return decision
        }
        if let dirt = try clean["today_dirt"].nonNull?.string() {
            decision.outcome = .notEligible(reason: "today already had \(dirt)")
            return decision
        }
        if dryRun, trigger == .scheduled, try await !session.query(Self.recordedToday, [.text(tenant)]).isEmpty {
            decision.outcome = .alreadyRecordedToday
            return decision
        }

        let toDaily = CanaryEscalationRule.escalatedDailyMicros
        let toMonthly = CanaryEscalationRule.escalatedMonthlyMicros
        var applied = false
        if !dryRun {
            let raised = try await session.query(Self.raise, [.text(tenant), .micros(toDaily), .micros(toMonthly), .micros(daily), .micros(monthly)])
            applied = raised.affectedRows == 1
        }
        let reason = "\(cleanDays) consecutive clean days (canary.clean_days \(cleanDaysRequired))" + (dryRun ? "; dry run" : "")
        let id = try await session.query(Self.record, [
            .text(tenant), .micros(daily), .micros(toDaily), .micros(monthly), .micros(toMonthly), .int(Int64(cleanDays)),
            .bool(dryRun), .bool(applied), .text(trigger.actor), .text(reason),
        ]).single()["id"].string()
        try await audit.append(AuditEntry(
            action: CanaryEscalationRule.auditAction, actor: trigger.actor, tenant: tenant, correlationID: trigger.correlationID,
            reason: reason,
            details: .object([
                JSONMember("escalation_id", .string(id)),
                JSONMember("dry_run", .bool(dryRun)),
                JSONMember("applied", .bool(applied)),
                JSONMember("clean_days", .number(String(cleanDays))),
                JSONMember("clean_days_required", .number(String(cleanDaysRequired))),
                JSONMember("from_daily_usd", MicroDollars.json(daily)),
                JSONMember("to_daily_usd", MicroDollars.json(toDaily)),
                JSONMember("from_monthly_usd", MicroDollars.json(monthly)),
                JSONMember("to_monthly_usd", MicroDollars.json(toMonthly)),
            ])), in: session)
        decision.outcome = dryRun ? .wouldEscalate : .escalated
        decision.escalationID = id
        if applied {
            decision.dailyLimitMicros = toDaily
            decision.monthlyLimitMicros = toMonthly
        }
        return decision
    }
}
