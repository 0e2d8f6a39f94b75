import GraphQL
import Synchronization

/// Parsed and validated documents by query text. Benchmarks send the same
/// few operations again and again; skipping the parser and the validation
/// rules for them keeps the demo upstream from being what a benchmark of the
/// gateway measures.
final class DocumentCache: Sendable {
    /// A parsed document and what validation said about it.
    struct Entry: Sendable {
        var document: Document
        var problems: [GraphQLError]
    }

    /// Bounded: when full, the cache starts over (simple, and a steady
    /// workload refills it at once).
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 256) {
        self.capacity = capacity
    }

    /// The cached entry for `query`, or the result of `make` (cached when
    /// it returns one; a parse error is thrown and not cached).
    func entry(for query: String, make: () throws -> Entry) rethrows -> Entry {
        if let hit = entries.withLock({ $0[query] }) {
            return hit
        }
        let entry = try make()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[query] = entry
        }
        return entry
    }

    var count: Int { entries.withLock { $0.count } }
}
