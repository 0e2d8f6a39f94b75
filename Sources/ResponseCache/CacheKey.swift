/// What a cached response is filed under: the tenant, the document, the variables and the
/// operation.
///
/// The four parts are separate fields, never one concatenated string, so no choice of
/// tenant id can collide with another tenant's key: `("ab", "c…")` and `("a", "bc…")` are
/// different keys however the parts would have been joined. A response stored for one
/// tenant is therefore never returned for another.
///
/// The hashes are the caller's: `documentHash` is the hex SHA-256 of the document the
/// gateway already computes, and `variablesHash` is whatever canonical hash the caller
/// chooses. Whether absent variables and `{}` are the same request is decided there, by
/// hashing them alike or not; this type compares the strings it is given, exactly.
public struct CacheKey: Hashable, Sendable {
    public let tenant: String
    public let documentHash: String
    public let variablesHash: String
    /// The operation selected from a document with several; nil when the request named none.
    public let operationName: String?

    public init(tenant: String, documentHash: String, variablesHash: String, operationName: String? = nil) {
        self.tenant = tenant
        self.documentHash = documentHash
        self.variablesHash = variablesHash
        self.operationName = operationName
    }

    /// The bytes this key adds to an entry's size (its UTF-8 text), counted against the
    /// cache's byte bound alongside the body and headers.
    public var byteCount: Int {
        tenant.utf8.count + documentHash.utf8.count + variablesHash.utf8.count + (operationName?.utf8.count ?? 0)
    }
}
