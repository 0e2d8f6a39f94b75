/// A root field's class for the downshift ladder: its `@downshift` priority
/// and tags, the argument that bounds its traversal depth, and its
/// `@cacheable` TTL.
public struct FieldClass: Sendable, Equatable {
    public var priority: DownshiftPriority
    /// Tags in declaration order without repeats. Tags the linter does not
    /// know are kept (it warns), so a tier rule added later can match them.
    public var tags: [String]
    /// The Int argument whose value is the field's graph depth (`hopsArg`).
    public var hopsArgument: String?
    /// `@cacheable(ttlSeconds:)`; only Query root fields carry one.
    public var cacheTTLSeconds: Int?

    public init(priority: DownshiftPriority = .undeclared, tags: [String] = [], hopsArgument: String? = nil, cacheTTLSeconds: Int? = nil) {
        self.priority = priority
        self.tags = tags
        self.hopsArgument = hopsArgument
        self.cacheTTLSeconds = cacheTTLSeconds
    }

    /// The class of a field that declares nothing: P2, no tags, not cacheable.
    public static let undeclared = FieldClass()

    public func hasTag(_ tag: String) -> Bool {
        tags.contains(tag)
    }

    /// Whether the gateway may answer this field from its response cache.
    public var isCacheable: Bool { cacheTTLSeconds != nil }
}
