/// One rule of the judge (SPEC §10). Thresholds are integers (per mille, parts per
/// million, microseconds) so a verdict never depends on float rounding.
public struct JudgeRule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Canary p95 above `perMille`/1000 × stable p95 over the same window.
        case latencyVsStable(perMille: Int64)
        /// Canary p95 above `perMille`/1000 × the stable p95 taken when the stage started.
        case latencyVsBaseline(perMille: Int64)
        /// Canary p95 above a fixed bound (seed 003: 3-hop path queries p95 > 1200 ms).
        case latencyAbove(micros: Int64)
        /// Canary error ratio at or above `ppm` (parts per million; 2 % = 20,000).
        case errorRatio(ppm: Int64)
        /// Error-budget burn: with SLO `sloPPM` (99.9 % = 999,000) the canary's error ratio
        /// spends its 30-day budget at more than `budgetPerHourPPM` of it per hour
        /// (6 %/h = 60,000, which at 99.9 % is an error ratio above 4.32 %).
        case burnRate(sloPPM: Int64, budgetPerHourPPM: Int64)
        /// Canary cost per request against stable's in the same window: above `holdPerMille`
        /// the stage holds (the plan's "cost delta < 10 %", 1100), above `failPerMille` it
        /// fails (seed 004's "cost spike > 3×", 3000).
        case costVsStable(holdPerMille: Int64, failPerMille: Int64)
        /// Any security violation on the canary arm (another tenant's id in an answer, or a
        /// GraphQL error code of `canary.security_codes`): fails at once, no minimum.
        case security
    }

    public var name: String
    public var kind: Kind
    /// The sliding window the figures are taken over.
    public var windowSeconds: Int
    /// How long the breach must last, in consecutive conclusive seconds, before it fails
    /// (or holds): one bad second does not flap a stage.
    public var forSeconds: Int64
    /// Root fields the rule looks at (nil: every request).
    public var operations: Set<String>?

    public init(name: String, kind: Kind, windowSeconds: Int, forSeconds: Int64, operations: Set<String>? = nil) {
        self.name = name
        self.kind = kind
        self.windowSeconds = max(1, windowSeconds)
        self.forSeconds = max(0, forSeconds)
        self.operations = operations
    }

    /// The seeds' rules (003, 004) with their durations; windows equal their durations.
    public static let seedRules: [JudgeRule] = [
        JudgeRule(name: "latency_vs_stable", kind: .latencyVsStable(perMille: 1_200), windowSeconds: 600, forSeconds: 600),
        JudgeRule(name: "error_ratio", kind: .errorRatio(ppm: 20_000), windowSeconds: 300, forSeconds: 300),
        JudgeRule(name: "burn_rate", kind: .burnRate(sloPPM: 999_000, budgetPerHourPPM: 60_000), windowSeconds: 600, forSeconds: 600),
        JudgeRule(name: "latency_vs_baseline", kind: .latencyVsBaseline(perMille: 1_300), windowSeconds: 900, forSeconds: 900),
        JudgeRule(name: "cost_per_request", kind: .costVsStable(holdPerMille: 1_100, failPerMille: 3_000), windowSeconds: 600, forSeconds: 300),
        JudgeRule(name: "security", kind: .security, windowSeconds: 60, forSeconds: 0),
    ]

    /// Whether the rule compares the two arms over the same window (meaningless at 100 %).
    var comparesArms: Bool {
        switch kind {
        case .latencyVsStable, .costVsStable: return true
        default: return false
        }
    }

    /// Whether the rule compares the canary with the stable arm (so both need samples).
    var needsStable: Bool {
        switch kind {
        case .latencyVsStable, .latencyVsBaseline, .costVsStable: return true
        case .latencyAbove, .errorRatio, .burnRate, .security: return false
        }
    }
}

/// What one rule, or the whole judge, says of the stage now.
public enum Verdict: String, Sendable, Equatable, CaseIterable, Comparable {
    case pass, inconclusive, hold, fail

    private var rank: Int {
        switch self {
        case .pass: return 0
        case .inconclusive: return 1
        case .hold: return 2
        case .fail: return 3
        }
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }
}

/// One rule's verdict with the figures behind it.
public struct RuleVerdict: Sendable, Equatable {
    public var rule: String
    public var verdict: Verdict
    /// The figures in words, for the log line, the audit row and the status reply.
    public var detail: String
    /// Consecutive conclusive seconds in breach so far.
    public var breachSeconds: Int64

    public init(rule: String, verdict: Verdict, detail: String, breachSeconds: Int64) {
        self.rule = rule
        self.verdict = verdict
        self.detail = detail
        self.breachSeconds = breachSeconds
    }
}

/// The judge's verdict on the stage: the worst rule's.
public struct StageVerdict: Sendable, Equatable {
    public var rules: [RuleVerdict]

    public init(rules: [RuleVerdict]) {
        self.rules = rules
    }

    /// Fail over hold over inconclusive over pass; no rules pass.
    public var overall: Verdict { rules.map(\.verdict).max() ?? .pass }

    /// The rules that keep the stage from passing, in words.
    public var summary: String {
        let blocking = rules.filter { $0.verdict != .pass }
        guard !blocking.isEmpty else { return "every rule passes" }
        return blocking.map { "\($0.rule) \($0.verdict.rawValue): \($0.detail)" }.joined(separator: "; ")
    }

    /// The verdict of a judge with no rules: it passes.
    public static let green = StageVerdict(rules: [])
}
