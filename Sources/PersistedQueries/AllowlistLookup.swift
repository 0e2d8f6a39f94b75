/// Synchronous, in-memory membership questions the hot path asks. `AllowlistStore` answers
/// from its current snapshot; a bare `AllowlistSnapshot` answers too (tests, fixed sets).
public protocol AllowlistLookup: Sendable {
    /// Whether a document with this exact SHA-256 is allowed.
    func contains(exact: String) -> Bool
    /// Whether a document with this normalized SHA-256 is allowed.
    func contains(normalized: String) -> Bool
    /// The stored document for an APQ hash, when the allowlist knows it.
    func body(forHash hash: String) -> String?
    /// Number of allowed exact hashes.
    var count: Int { get }
}

extension AllowlistLookup {
    /// A match on either hash counts (the hash-drift rule).
    public func contains(exact: String, normalized: String) -> Bool {
        contains(exact: exact) || contains(normalized: normalized)
    }
}
