/// What the allowlist check needs to know about one GraphQL request.
public struct PersistedQueryRequest: Sendable, Hashable {
    /// The caller's tenant, for per-tenant phases and the violation log.
    public var tenant: String?
    /// SHA-256 (lowercase hex) of the document: the `query` sent, or the body the allowlist
    /// resolved for an APQ hash. Nil when the request carries no document.
    public var exactHash: String?
    /// `extensions.persistedQuery.sha256Hash` as sent, when present.
    public var apqHash: String?
    public var introspection: IntrospectionUse
    /// The operation's name, for the violation log (truncated there).
    public var operationName: String?

    public init(
        tenant: String? = nil,
        exactHash: String?,
        apqHash: String? = nil,
        introspection: IntrospectionUse = .none,
        operationName: String? = nil
    ) {
        self.tenant = tenant
        self.exactHash = exactHash
        self.apqHash = apqHash
        self.introspection = introspection
        self.operationName = operationName
    }

    /// Whether the request carries (or resolved) a document.
    public var hasBody: Bool { exactHash != nil }

    /// Whether the APQ hash names the document sent; nil without both. Apollo clients send
    /// lowercase hex, but the comparison ignores case so an uppercase hash is not refused.
    /// An id that is not 64 hex characters is an opaque allowlist id, not a claim about the
    /// document's hash: nil (it admits nothing by itself; the document is judged on its own).
    public var apqHashMatchesBody: Bool? {
        guard let apqHash, let exactHash else { return nil }
        let lowered = apqHash.lowercased()
        guard DocumentHash.isWellFormed(lowered) else { return nil }
        return lowered == exactHash
    }
}
