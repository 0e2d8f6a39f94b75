/// A 1-based line and column in a source file.
public struct SourcePosition: Sendable, Equatable, Hashable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// `@listSize(assumedSize:, slicingArguments:)` of the demand-control spec:
/// the field's cost is multiplied by the value of a slicing argument or,
/// when none is given, by the assumed size.
public struct ListSizeDeclaration: Sendable, Equatable {
    public var assumedSize: Int64?
    public var slicingArguments: [String]

    public init(assumedSize: Int64?, slicingArguments: [String]) {
        self.assumedSize = assumedSize
        self.slicingArguments = slicingArguments
    }
}

/// A mutation field's cost declaration, read from the SDL.
public struct BudgetDeclaration: Sendable, Equatable {
    public var field: String
    /// `capUsd` in micro-dollars: the most one call (or one `perItem` element) may cost.
    public var capMicros: Int64
    /// `tokens`; nil when not declared (estimated as 0).
    public var tokens: Int64?
    /// `riskTags`, in declaration order without repeats.
    public var riskTags: [String]
    /// The list argument whose length multiplies the cost.
    public var perItem: String?
    /// `@cost(weight:)` as millionths (1,000,000 = ×1); nil when absent.
    public var costWeightMillionths: Int64?
    public var listSize: ListSizeDeclaration?
    /// Where the field is defined.
    public var position: SourcePosition

    public init(
        field: String, capMicros: Int64, tokens: Int64? = nil, riskTags: [String] = [], perItem: String? = nil,
        costWeightMillionths: Int64? = nil, listSize: ListSizeDeclaration? = nil,
        position: SourcePosition = SourcePosition(line: 1, column: 1)
    ) {
        self.field = field
        self.capMicros = capMicros
        self.tokens = tokens
        self.riskTags = riskTags
        self.perItem = perItem
        self.costWeightMillionths = costWeightMillionths
        self.listSize = listSize
        self.position = position
    }
}
