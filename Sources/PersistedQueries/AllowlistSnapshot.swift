/// One immutable view of the allowlist: swapped whole, never edited in place.
public struct AllowlistSnapshot: Sendable, Hashable, AllowlistLookup {
    /// The shared version it was read at (Redis `…:version`); 0 before any was read.
    public let version: Int64
    /// Exact SHA-256 → normalized SHA-256 (nil for a hash added without its document).
    public let entries: [String: String?]
    /// Normalized hashes of every entry that has one.
    public let normalizedHashes: Set<String>
    /// Documents by exact hash, for APQ requests that send only the hash.
    public let bodies: [String: String]

    public init(version: Int64 = 0, entries: [String: String?] = [:], bodies: [String: String] = [:]) {
        self.version = version
        self.entries = entries
        self.normalizedHashes = Set(entries.values.compactMap { $0 })
        // A body is kept only while its hash is allowed.
        self.bodies = bodies.filter { entries[$0.key] != nil }
    }

    public static let empty = AllowlistSnapshot()

    public func contains(exact: String) -> Bool { entries[exact] != nil }
    public func contains(normalized: String) -> Bool { normalizedHashes.contains(normalized) }
    /// The stored document for a client-sent id: a 64-hex hash in any case, or an opaque
    /// manifest id exactly as listed.
    public func body(forHash hash: String) -> String? {
        guard let id = DocumentHash.allowlistID(hash) else { return nil }
        return bodies[id]
    }
    public var count: Int { entries.count }
}
