import Contract
import GraphQLAnalysis

/// The persisted-query step's port: may this document run for this tenant under
/// `pq.phase` (exact hash, normalized hash, APQ hash, introspection)? `PersistedQueryGate`
/// (the allowlist snapshot in memory, APQ registrations in Redis) implements it; an
/// Apollo APQ hash sent with its document is registered as a side effect of passing.
public protocol AllowlistCheck: Sendable {
    /// Nil: the document may run. Otherwise the refusal to send.
    func admit(_ query: AllowlistQuery) -> Rejection?
}

/// What the allowlist is asked about one request.
public struct AllowlistQuery: Sendable {
    public var tenant: String?
    /// SHA-256 of the document as sent.
    public var exactHash: String
    /// `extensions.persistedQuery.sha256Hash`, when the client sent one.
    public var apqHash: String?
    public var rootFields: [String]
    public var operationName: String?
    /// The parsed document, for the normalized hash (nil when it did not parse here).
    public var document: AnalyzedDocument?
    /// The document text to register under `apqHash`; nil when it came from a store.
    public var registrable: String?

    public init(
        tenant: String?, exactHash: String, apqHash: String?, rootFields: [String], operationName: String?,
        document: AnalyzedDocument?, registrable: String?
    ) {
        self.tenant = tenant
        self.exactHash = exactHash
        self.apqHash = apqHash
        self.rootFields = rootFields
        self.operationName = operationName
        self.document = document
        self.registrable = registrable
    }
}
