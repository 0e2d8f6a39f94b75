/// How the demo prices what it did, reported in `extensions.cost`.
///
/// A mutation field costs `percentOfCap`% of its `@budget` cap (and tokens),
/// times the length of its `perItem` list: a little below the declaration, so
/// the gateway's estimates stay conservative. A query root field costs a flat
/// fee plus a fee per record returned. All integers, so every figure is exact.
public struct CostModel: Sendable, Equatable {
    /// Share of the declared cap a mutation field actually costs, in percent.
    public var percentOfCap: Int64
    /// Flat cost of each query root field.
    public var queryField: MicroUSD
    /// Cost of each record a query root field returns.
    public var queryItem: MicroUSD
    public var queryFieldTokens: Int64
    public var queryItemTokens: Int64

    public init(
        percentOfCap: Int64 = 80,
        queryField: MicroUSD = MicroUSD(micros: 100),
        queryItem: MicroUSD = MicroUSD(micros: 10),
        queryFieldTokens: Int64 = 10,
        queryItemTokens: Int64 = 1
    ) {
        self.percentOfCap = percentOfCap
        self.queryField = queryField
        self.queryItem = queryItem
        self.queryFieldTokens = queryFieldTokens
        self.queryItemTokens = queryItemTokens
    }

    /// 80 % of the cap; 0.000100 USD + 0.000010 USD per record for queries.
    public static let `default` = CostModel()

    /// What one mutation field cost, given its declaration and item count.
    public func mutationCost(_ budget: BudgetDeclaration, items: Int64) -> FieldCost {
        // Multiply before dividing so 0.001 × 80 % stays 800 micros, not 0.
        let usd = budget.cap.micros.saturatingMultiplied(by: percentOfCap).saturatingMultiplied(by: items) / 100
        let tokens = (budget.tokens ?? 0).saturatingMultiplied(by: percentOfCap).saturatingMultiplied(by: items) / 100
        return FieldCost(usd: MicroUSD(micros: usd), tokens: tokens)
    }

    /// What one query root field cost, given how many records it returned.
    public func queryCost(items: Int64) -> FieldCost {
        let usd = queryField.micros.saturatingAdding(queryItem.micros.saturatingMultiplied(by: items))
        let tokens = queryFieldTokens.saturatingAdding(queryItemTokens.saturatingMultiplied(by: items))
        return FieldCost(usd: MicroUSD(micros: usd), tokens: tokens)
    }
}

/// The cost of some work: USD and tokens.
public struct FieldCost: Sendable, Equatable {
    public var usd: MicroUSD
    public var tokens: Int64

    public init(usd: MicroUSD, tokens: Int64) {
        self.usd = usd
        self.tokens = tokens
    }

    public static let zero = FieldCost(usd: .zero, tokens: 0)

    func adding(_ other: FieldCost) -> FieldCost {
        FieldCost(usd: MicroUSD(micros: usd.micros.saturatingAdding(other.usd.micros)),
                  tokens: tokens.saturatingAdding(other.tokens))
    }

    /// Scaled by a fixed-point factor in micro-units (1,000,000 = ×1); the
    /// `X-Demo-Cost-Multiplier` hook uses it to push a cost past its cap.
    func scaled(byMicros factor: Int64) -> FieldCost {
        FieldCost(
            usd: MicroUSD(micros: usd.micros.saturatingMultiplied(by: factor) / MicroUSD.scale),
            tokens: tokens.saturatingMultiplied(by: factor) / MicroUSD.scale
        )
    }
}
