/// `finops.*` (SPEC §11, §12): the monthly budgets money burn is measured against.
public struct FinOpsConfig: Sendable, Equatable {
    /// `finops.budgets.<name>.monthly_usd`: e.g. `llm: 5000` (USD/month, from the ledger).
    public var budgets: [String: FinOpsBudget] = [:]

    public init() {}
}

/// One `finops.budgets.<name>` entry.
public struct FinOpsBudget: Sendable, Equatable {
    /// Micro-dollars per calendar month (UTC).
    public var monthlyMicros: Int?
    /// Where the spend comes from (default: the ledger).
    public var source: Source?
    /// `prometheus` budgets: the query answering this month's spend in US dollars.
    public var query: String?

    public init(monthlyMicros: Int? = nil, source: Source? = nil, query: String? = nil) {
        self.monthlyMicros = monthlyMicros
        self.source = source
        self.query = query
    }
}

/// `policy.*` (SPEC §11, gate G4): the signed policy bundle the gateway verifies at start.
public struct PolicyBundleConfig: Sendable, Equatable {
    /// `policy.bundle`: the manifest `safemut policy sign` wrote; its signature is `BUNDLE.sig`.
    /// Unset: nothing is verified at start.
    public var bundle: String?
    /// `policy.public_key`: the P-256 PEM that verifies it.
    public var publicKey: String?
    /// `policy.dir`: the policy files the bundle covers (default: the bundle's directory).
    public var directory: String?

    public init() {}
}
