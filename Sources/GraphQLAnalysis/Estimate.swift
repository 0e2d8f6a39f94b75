import Kit

/// What one root field occurrence may cost.
public struct FieldEstimate: Sendable, Equatable {
    public var name: String
    public var alias: String?
    /// The `perItem` list's length, 1 without `perItem`.
    public var items: Int64
    /// The `@listSize` factor, 1 without `@listSize`.
    public var listSize: Int64
    public var micros: Int64
    public var tokens: Int64
    public var riskTags: [String]

    public init(name: String, alias: String? = nil, items: Int64 = 1, listSize: Int64 = 1, micros: Int64, tokens: Int64, riskTags: [String] = []) {
        self.name = name
        self.alias = alias
        self.items = items
        self.listSize = listSize
        self.micros = micros
        self.tokens = tokens
        self.riskTags = riskTags
    }
}

/// The most an operation may cost: the sum over its root fields, exact.
public struct Estimate: Sendable, Equatable {
    /// Micro-dollars (1 USD = 1,000,000).
    public var totalMicros: Int64
    public var totalTokens: Int64
    /// One entry per root field occurrence, in document order.
    public var perField: [FieldEstimate]
    /// Every risk tag of every root field.
    public var riskTags: Set<String>

    public init(totalMicros: Int64, totalTokens: Int64, perField: [FieldEstimate], riskTags: Set<String>) {
        self.totalMicros = totalMicros
        self.totalTokens = totalTokens
        self.perField = perField
        self.riskTags = riskTags
    }

    /// Nothing: the estimate of a query.
    public static let zero = Estimate(totalMicros: 0, totalTokens: 0, perField: [], riskTags: [])

    /// The total as a decimal with six places, e.g. `0.020000`.
    public var totalUSD: String { DecimalText.format(millionths: totalMicros) }
}
