/// Who asked for an escalation pass.
public enum EscalationTrigger: Sendable, Equatable {
    /// The worker's timer.
    case scheduled
    /// An operator: the CLI (`actor` is the OS user) or `POST /admin/workers/canary-escalate`.
    case manual(actor: String, correlationID: String?)

    var actor: String {
        switch self {
        case .scheduled: return CanaryEscalationRule.workerActor
        case .manual(let actor, _): return actor
        }
    }

    var correlationID: String? {
        switch self {
        case .scheduled: return nil
        case .manual(_, let id): return id
        }
    }
}

/// What an escalation pass decided for one canary tenant.
public struct EscalationDecision: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Limits raised (recorded, `applied = true`).
        case escalated
        /// Eligible; dry run recorded, nothing changed.
        case wouldEscalate
        /// Eligible; dry run, and the worker already recorded that decision today.
        case alreadyRecordedToday
        /// Not enough clean days: `cleanDays` of the required, and why the streak broke.
        case notEligible(reason: String)
        /// Limits are not the seeds (escalated before, or set by hand).
        case notAtSeedLimits
        /// The tenant's transaction failed; the pass went on with the others.
        case failed(error: String)

        /// The JSON/CLI name.
        public var name: String {
            switch self {
            case .escalated: return "escalated"
            case .wouldEscalate: return "would_escalate"
            case .alreadyRecordedToday: return "already_recorded_today"
            case .notEligible: return "not_eligible"
            case .notAtSeedLimits: return "not_at_seed_limits"
            case .failed: return "failed"
            }
        }
    }

    public var tenant: String
    public var outcome: Outcome
    /// Consecutive clean complete days found (counted up to the required number).
    public var cleanDays: Int?
    public var dailyLimitMicros: Int64?
    public var monthlyLimitMicros: Int64?
    /// The `canary_escalations` row written, when one was.
    public var escalationID: String?

    public init(
        tenant: String, outcome: Outcome, cleanDays: Int? = nil, dailyLimitMicros: Int64? = nil,
        monthlyLimitMicros: Int64? = nil, escalationID: String? = nil
    ) {
        self.tenant = tenant
        self.outcome = outcome
        self.cleanDays = cleanDays
        self.dailyLimitMicros = dailyLimitMicros
        self.monthlyLimitMicros = monthlyLimitMicros
        self.escalationID = escalationID
    }
}

/// What one escalation pass decided.
public struct EscalationReport: Sendable, Equatable {
    /// The database's UTC day (`YYYY-MM-DD`).
    public var today: String
    public var dryRun: Bool
    /// True when `canary.escalation_dry_run` made the pass a dry run although it was not asked for.
    public var dryRunForcedByConfig: Bool
    public var cleanDaysRequired: Int
    public var decisions: [EscalationDecision]

    public var escalated: Int { decisions.filter { $0.outcome == .escalated }.count }
    /// Tenants whose decision failed.
    public var failed: Int {
        decisions.filter { if case .failed = $0.outcome { return true } else { return false } }.count
    }
}
