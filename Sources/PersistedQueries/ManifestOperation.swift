/// The kind of a GraphQL operation, as the manifest's `type` member spells it.
public enum ManifestOperationType: String, Sendable, Hashable, CaseIterable, Codable {
    case query
    case mutation
    case subscription
}

/// One entry of an Apollo persisted-query manifest: a document, the SHA-256 of its exact
/// bytes, and (computed, not serialized) the SHA-256 of its normalized form.
public struct ManifestOperation: Sendable, Hashable {
    /// The SHA-256 of `body`'s UTF-8 bytes, 64 lowercase hex characters.
    public let id: String
    /// The operation's name (the one the body defines; empty for an anonymous operation).
    public let name: String
    public let type: ManifestOperationType
    /// The full document text: the operation and the fragments it uses.
    public let body: String
    /// `DocumentNormalizer.normalizedHash` of `body`.
    public let normalizedHash: String

    /// Builds an entry whose ids are computed from `body`, so they cannot disagree with it.
    /// Throws when `body` is not an executable GraphQL document.
    public init(name: String, type: ManifestOperationType, body: String) throws(NormalizationError) {
        self.id = DocumentHash.exact(body)
        self.name = name
        self.type = type
        self.body = body
        self.normalizedHash = try DocumentNormalizer.normalizedHash(source: body)
    }

    /// An entry as read from a manifest, after the parser checked `id` against `body`.
    init(id: String, name: String, type: ManifestOperationType, body: String, normalizedHash: String) {
        self.id = id
        self.name = name
        self.type = type
        self.body = body
        self.normalizedHash = normalizedHash
    }
}
