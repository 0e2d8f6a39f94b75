import Kit

/// The daily FinOps report (SPEC §15, issue 21): one UTC day of the ledger, per tenant and
/// for the platform. Money in micro-dollars; ratios as exact decimal text.
public struct DailyReport: Sendable, Equatable {
    public struct Tenant: Sendable, Equatable {
        public var tenant: String
        public var canary: Bool
        public var dailyLimitMicros: Int64
        public var spentMicros: Int64
        public var reservedMicros: Int64
        public var settled: Int64
        public var released: Int64
        /// Settled by the reconciler (a replica died before settling) or expired.
        public var reconciled: Int64
        public var overrides: [Override]
        /// Approval requests of the day by status (`approved`, `rejected`, `pending`, `expired`, `used`).
        public var approvals: [String: Int64]

        public init(
            tenant: String, canary: Bool, dailyLimitMicros: Int64, spentMicros: Int64, reservedMicros: Int64, settled: Int64,
            released: Int64, reconciled: Int64, overrides: [Override] = [], approvals: [String: Int64] = [:]
        ) {
            self.tenant = tenant
            self.canary = canary
            self.dailyLimitMicros = dailyLimitMicros
            self.spentMicros = spentMicros
            self.reservedMicros = reservedMicros
            self.settled = settled
            self.released = released
            self.reconciled = reconciled
            self.overrides = overrides
            self.approvals = approvals
        }

        /// Spent ÷ limit, four decimals (`0.4200`); nil without a limit.
        public var utilization: String? { DailyReport.ratio(spentMicros, dailyLimitMicros) }
    }

    public struct Override: Sendable, Equatable {
        public var multiplier: String
        public var status: String
        public var requestedBy: String
        public var approvedBy: String?
        public var from: String
        public var until: String

        public init(multiplier: String, status: String, requestedBy: String, approvedBy: String?, from: String, until: String) {
            self.multiplier = multiplier
            self.status = status
            self.requestedBy = requestedBy
            self.approvedBy = approvedBy
            self.from = from
            self.until = until
        }
    }

    /// How close the declared estimates came, per operation: actual ÷ estimate over the
    /// settled mutations that reported an actual cost.
    public struct Accuracy: Sendable, Equatable {
        public var operation: String
        public var count: Int64
        public var estimatedMicros: Int64
        public var actualMicros: Int64

        public init(operation: String, count: Int64, estimatedMicros: Int64, actualMicros: Int64) {
            self.operation = operation
            self.count = count
            self.estimatedMicros = estimatedMicros
            self.actualMicros = actualMicros
        }

        public var ratio: String? { DailyReport.ratio(actualMicros, estimatedMicros) }
    }

    /// A `finops.budgets` entry against the month so far.
    public struct Budget: Sendable, Equatable {
        public var name: String
        public var monthlyLimitMicros: Int64
        public var monthToDateMicros: Int64?
        public var problem: String?

        public init(name: String, monthlyLimitMicros: Int64, monthToDateMicros: Int64?, problem: String? = nil) {
            self.name = name
            self.monthlyLimitMicros = monthlyLimitMicros
            self.monthToDateMicros = monthToDateMicros
            self.problem = problem
        }
    }

    /// `2026-12-07`.
    public var day: String
    public var generatedAt: String
    public var tenants: [Tenant]
    public var accuracy: [Accuracy]
    public var budgets: [Budget]
    /// Denials by tenant and reason when Prometheus keeps them (`budget_denials_total`); nil
    /// when no `promql.url` is set (the ledger records no refusal).
    public var denials: [String: [String: Int64]]?

    public init(day: String, generatedAt: String, tenants: [Tenant], accuracy: [Accuracy], budgets: [Budget], denials: [String: [String: Int64]]?) {
        self.day = day
        self.generatedAt = generatedAt
        self.tenants = tenants
        self.accuracy = accuracy
        self.budgets = budgets
        self.denials = denials
    }

    public var totalSpentMicros: Int64 { tenants.reduce(0) { $0 + $1.spentMicros } }
    public var totalSettled: Int64 { tenants.reduce(0) { $0 + $1.settled } }

    /// `numerator ÷ denominator` to four decimals, truncated, in integers only.
    static func ratio(_ numerator: Int64, _ denominator: Int64) -> String? {
        guard denominator > 0, numerator >= 0 else { return nil }
        let (scaled, overflow) = numerator.multipliedReportingOverflow(by: 10_000)
        guard !overflow else { return nil }
        let value = scaled / denominator
        let fraction = String(value % 10_000)
        return "\(value / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
