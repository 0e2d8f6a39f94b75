/// What makes `@downshift` and `@cacheable` declarations valid.
public struct DownshiftRules: Sendable, Equatable {
    /// The tags SPEC §12's default tier effects act on.
    public static let standardTags: Set<String> = ["batch", "enricher", "analytics", "heavy_read", "llm"]

    /// Tags a tier rule matches. Any other tag is a warning, not an error: an
    /// API team may tag fields before the gateway's tier table knows the tag.
    public var knownTags: Set<String>
    /// A `ttlSeconds` above this is taken for a typo: default one day.
    public var maxCacheTTLSeconds: Int

    public init(knownTags: Set<String> = DownshiftRules.standardTags, maxCacheTTLSeconds: Int = 86_400) {
        self.knownTags = knownTags
        self.maxCacheTTLSeconds = maxCacheTTLSeconds
    }

    public static let `default` = DownshiftRules()
}
