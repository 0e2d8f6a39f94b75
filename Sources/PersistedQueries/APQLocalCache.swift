import Synchronization

/// A replica's in-memory copy of recent APQ registrations: hash → document, each living
/// `ttl` from when it was stored. Bounded; when full it starts over rather than tracking
/// recency (entries are one Redis call to get back, and the hot set refills at once).
final class APQLocalCache: Sendable {
    private struct Entry {
        let document: String
        let expires: ContinuousClock.Instant
    }

    private let capacity: Int
    private let ttl: Duration
    private let table = Mutex<[String: Entry]>([:])

    init(capacity: Int, ttl: Duration) {
        self.capacity = max(0, capacity)
        self.ttl = ttl
    }

    func get(_ hash: String) -> String? {
        guard capacity > 0 else { return nil }
        let now = ContinuousClock.now
        return table.withLock { table in
            guard let entry = table[hash] else { return nil }
            guard entry.expires > now else {
                table[hash] = nil
                return nil
            }
            return entry.document
        }
    }

    func put(_ hash: String, _ document: String) {
        guard capacity > 0 else { return }
        let entry = Entry(document: document, expires: ContinuousClock.now + ttl)
        table.withLock { table in
            if table.count >= capacity && table[hash] == nil { table.removeAll(keepingCapacity: true) }
            table[hash] = entry
        }
    }
}

/// What the APQ registry did since start (`apq_*` metrics).
public struct APQCounters: Sendable, Hashable {
    /// Hash-only requests served from this replica's memory.
    public var localHits: UInt64
    /// Hash-only requests served from Redis.
    public var sharedHits: UInt64
    /// Hash-only requests for an unknown or expired hash (answered PersistedQueryNotFound).
    public var misses: UInt64
    /// Documents registered.
    public var registrations: UInt64
    /// Registrations dropped to keep `pq.apq.max_entries`.
    public var evictions: UInt64
    /// Redis failures (each answered as a miss, or a registration skipped).
    public var errors: UInt64
}

/// The atomic cells behind `APQCounters`; one relaxed add per event.
final class APQCounterCells: Sendable {
    private let localHits = Atomic<UInt64>(0)
    private let sharedHits = Atomic<UInt64>(0)
    private let misses = Atomic<UInt64>(0)
    private let registrations = Atomic<UInt64>(0)
    private let evictions = Atomic<UInt64>(0)
    private let errors = Atomic<UInt64>(0)

    func hit(local: Bool) {
        if local { localHits.add(1, ordering: .relaxed) } else { sharedHits.add(1, ordering: .relaxed) }
    }
    func miss() { misses.add(1, ordering: .relaxed) }
    func error() { errors.add(1, ordering: .relaxed) }
    func registered(evicted: UInt64) {
        registrations.add(1, ordering: .relaxed)
        if evicted > 0 { evictions.add(evicted, ordering: .relaxed) }
    }

    func snapshot() -> APQCounters {
        APQCounters(
            localHits: localHits.load(ordering: .relaxed), sharedHits: sharedHits.load(ordering: .relaxed),
            misses: misses.load(ordering: .relaxed), registrations: registrations.load(ordering: .relaxed),
            evictions: evictions.load(ordering: .relaxed), errors: errors.load(ordering: .relaxed))
    }
}
