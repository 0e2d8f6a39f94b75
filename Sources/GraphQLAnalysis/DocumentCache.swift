import Crypto
import Synchronization

/// A bounded LRU cache of analysed documents keyed by the SHA-256 of their
/// text, shared by every connection. Only documents that passed the limits
/// are stored; a failed parse is analysed again next time.
public final class DocumentCache: Sendable {
    private struct State {
        var store: LRUStore<DocumentDigest, AnalyzedDocument>
        var hits = 0
        var misses = 0
    }

    /// Most documents kept.
    public let capacity: Int
    private let state: Mutex<State>

    public init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
        state = Mutex(State(store: LRUStore(capacity: capacity)))
    }

    /// The analysed document for `query`: from the cache, or parsed, checked
    /// against `limits` and stored. A cached document is checked against
    /// `limits` again, so tightened limits apply at once.
    public func document(for query: String, limits: AnalysisLimits = .default) throws(AnalysisError) -> AnalyzedDocument {
        // Refuse an oversized text before spending a hash on it.
        let byteCount = query.utf8.count
        guard byteCount <= limits.maxDocumentBytes else {
            throw AnalysisError(.documentTooLarge(bytes: byteCount, limit: limits.maxDocumentBytes))
        }
        let digestBytes = SHA256Digest.hash(query.utf8)
        let key = DocumentDigest(digestBytes)
        let cached = state.withLock { state -> AnalyzedDocument? in
            let found = state.store.value(for: key)
            if found != nil { state.hits += 1 } else { state.misses += 1 }
            return found
        }
        if let cached {
            try cached.check(limits)
            return cached
        }
        // Parsed outside the lock: two threads may parse the same text once each, never wait on each other.
        let analyzed = try DocumentAnalyzer.analyze(query, hash: Hex.encode(digestBytes), limits: limits)
        state.withLock { $0.store.insert(analyzed, for: key) }
        return analyzed
    }

    /// Lookups answered from the cache.
    public var hits: Int { state.withLock { $0.hits } }
    /// Lookups that had to parse.
    public var misses: Int { state.withLock { $0.misses } }
    /// Documents held now.
    public var count: Int { state.withLock { $0.store.count } }
}
