/// `ops/go-no-go-matrix.yaml` (SPEC §11): the gates of a release, each with its source,
/// checks, window and no-data rule. Parsed by `GateMatrix.parse`, which names file:line
/// for every problem.
public struct GateMatrix: Sendable, Equatable {
    public var version: Int
    public var gates: [Gate]
    /// Lowercase hex SHA-256 of the file's bytes: the "policy digest" the evidence names.
    public var sha256: String

    public init(version: Int, gates: [Gate], sha256: String) {
        self.version = version
        self.gates = gates
        self.sha256 = sha256
    }

    public func gate(_ id: String) -> Gate? {
        gates.first { $0.id == id }
    }
}

/// Where a gate's evidence comes from.
public enum GateSource: String, Sendable, CaseIterable {
    /// Range queries over `PROMQL_URL`.
    case prometheus
    /// This month's spend from the ledger against `finops.budgets`, and the unit cost.
    case ledger
    /// The policy bundle's detached signature (and OPA latency from Prometheus).
    case policy
    /// A locust stats-history CSV: one row per window.
    case loadtest
    /// A `safemut drill rehearse` report.
    case drill
    /// Sign-offs recorded with `POST /admin/gates/approvals`.
    case approvals
    /// An external check: its exit status, its output kept as evidence.
    case command
}

/// What to do when a check has fewer samples than `minSamples`: never pass.
public enum NoDataRule: String, Sendable, CaseIterable {
    case inconclusive
    case fail
}

public struct Gate: Sendable, Equatable {
    public var id: String
    public var name: String
    public var source: GateSource
    /// "All green for the last …": the span a check's samples cover, in seconds.
    public var windowSeconds: Int64
    /// Prometheus range-query resolution, in seconds.
    public var stepSeconds: Int64
    /// Consecutive failing windows (samples) that fail the gate; fewer is noted, not failed.
    public var failAfter: Int
    /// Samples a check needs to be conclusive.
    public var minSamples: Int
    public var onNoData: NoDataRule
    public var checks: [GateCheck]
    /// Roles whose sign-off (one distinct person each) the gate needs: G8's stakeholders,
    /// G5's human confirmation. Without them the gate is at best INCONCLUSIVE.
    public var signOffRoles: [String]
    /// Source settings: a file (`loadtest`, `drill`, `policy`'s bundle), a key, a command.
    public var file: String?
    public var publicKey: String?
    public var policyDirectory: String?
    public var command: [String]
    public var timeoutSeconds: Int64
    /// `drill`: how old the report may be.
    public var maxAgeSeconds: Int64?
    /// `ledger`: the `finops.budgets` entry to burn against.
    public var budget: String?
    /// The 1-based line of the gate in the matrix, for messages.
    public var line: Int

    public init(id: String, name: String, source: GateSource, line: Int) {
        self.id = id
        self.name = name
        self.source = source
        self.windowSeconds = 3_600
        self.stepSeconds = 60
        self.failAfter = 1
        self.minSamples = 1
        self.onNoData = .inconclusive
        self.checks = []
        self.signOffRoles = []
        self.command = []
        self.timeoutSeconds = 120
        self.line = line
    }
}

/// One measured condition of a gate.
public struct GateCheck: Sendable, Equatable {
    public var name: String
    /// `prometheus`/`policy`: the PromQL; `ledger`: the GraphQL-call counter query for the
    /// unit cost (`$__month` stands for the month so far as a range, e.g. `[523s]`).
    public var query: String?
    /// `loadtest`, `drill`, `ledger`: which figure (see `GateMetric`).
    public var metric: GateMetric?
    public var threshold: Threshold

    public init(name: String, query: String? = nil, metric: GateMetric? = nil, threshold: Threshold) {
        self.name = name
        self.query = query
        self.metric = metric
        self.threshold = threshold
    }
}

/// The figures the file and ledger sources measure.
public enum GateMetric: String, Sendable, CaseIterable {
    /// `loadtest`: the window's 95th percentile response time, in milliseconds.
    case p95Milliseconds = "p95_ms"
    /// `loadtest`: failures ÷ requests in the window.
    case errorRatio = "error_ratio"
    /// `drill`: recovery point, in milliseconds.
    case rpoMilliseconds = "rpo_ms"
    /// `drill`: recovery time, in milliseconds.
    case rtoMilliseconds = "rto_ms"
    /// `ledger`: this month's spend ÷ the budget.
    case burnRatio = "burn_ratio"
    /// `ledger`: dollars per million GraphQL calls this month (spend ÷ calls × 10⁶).
    case unitCostPerMillionCalls = "unit_cost_usd_per_million_calls"

    /// The sources each metric belongs to.
    var sources: Set<GateSource> {
        switch self {
        case .p95Milliseconds, .errorRatio: [.loadtest]
        case .rpoMilliseconds, .rtoMilliseconds: [.drill]
        case .burnRatio, .unitCostPerMillionCalls: [.ledger]
        }
    }
}
