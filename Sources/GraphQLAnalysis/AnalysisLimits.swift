/// Bounds on a GraphQL document, checked before anything is cached or
/// forwarded. Values below 1 are treated as 1.
public struct AnalysisLimits: Sendable, Equatable {
    /// Deepest field nesting of an operation (a root field is depth 1), fragments followed.
    public var maxDepth: Int
    /// Aliased fields an operation may hold, counting each use of a fragment.
    public var maxAliases: Int
    /// Size of the query text in UTF-8 bytes.
    public var maxDocumentBytes: Int
    /// Root fields of an operation after root-level fragments are expanded (`__typename` counts).
    public var maxRootFields: Int
    /// Bracket (`{`, `(`, `[`) nesting checked on the raw text before the parser runs, and
    /// fragment-spread nesting: the parser recurses once per level and a task's stack
    /// overflows about a thousand levels down. Capped at `NestingScanner.ceiling`.
    public var maxNesting: Int

    public init(
        maxDepth: Int = 15,
        maxAliases: Int = 100,
        maxDocumentBytes: Int = 256 * 1024,
        maxRootFields: Int = 50,
        maxNesting: Int = 64
    ) {
        self.maxDepth = maxDepth
        self.maxAliases = maxAliases
        self.maxDocumentBytes = maxDocumentBytes
        self.maxRootFields = maxRootFields
        self.maxNesting = maxNesting
    }

    /// The defaults: depth 15, 100 aliases, 256 KiB, 50 root fields, nesting 64.
    public static let `default` = AnalysisLimits()

    /// `maxNesting` within the range the parser survives.
    var effectiveNesting: Int { min(max(maxNesting, 1), NestingScanner.ceiling) }
}
