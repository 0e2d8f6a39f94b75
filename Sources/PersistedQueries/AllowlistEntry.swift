/// One row of the durable allowlist.
public struct AllowlistEntry: Sendable, Hashable {
    /// Exact SHA-256 of the document.
    public var hash: String
    /// Normalized SHA-256; nil when the hash was added without its document.
    public var normalizedHash: String?
    public var operationName: String?
    public var operationType: ManifestOperationType?
    /// Where it came from: `manifest`, `admin`, `sync`, … (free text).
    public var source: String
    public var addedBy: String?

    public init(
        hash: String, normalizedHash: String? = nil, operationName: String? = nil,
        operationType: ManifestOperationType? = nil, source: String = "admin", addedBy: String? = nil
    ) {
        self.hash = hash
        self.normalizedHash = normalizedHash
        self.operationName = operationName
        self.operationType = operationType
        self.source = source
        self.addedBy = addedBy
    }
}
