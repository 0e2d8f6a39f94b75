/// The cache's state, only ever touched inside `ResponseCache`'s `Mutex`: an index from key
/// to slot, and the slots threaded into one doubly linked list from most to least
/// recently used.
///
/// Slots live in one array and link by index, so moving an entry to the front on a hit is
/// four integer writes, with no node objects to allocate or reference-count. Removed
/// entries' responses are handed back to the caller to be released after the lock is let
/// go, so freeing a large body never happens while other requests wait.
struct CacheStorage {
    private struct Slot {
        var key: CacheKey
        var response: CachedResponse
        var bytes: Int
        var newer: Int
        var older: Int
    }

    /// Responses removed under the lock, to be released after it. The usual store removes
    /// one (a replacement or an eviction), which fits inline: no array is allocated for it.
    struct Discarded {
        private var first: CachedResponse?
        private var rest: [CachedResponse] = []

        mutating func append(_ response: CachedResponse) {
            if first == nil { first = response } else { rest.append(response) }
        }
    }

    private static let none = -1
    /// Tables are reserved up to this many entries at start, so ordinary stores do not
    /// grow them under the lock; a larger `maxEntries` grows past it on demand.
    private static let reservationCeiling = 65_536

    let maxBytes: Int
    let maxEntries: Int
    private var index: [CacheKey: Int] = [:]
    private var slots: [Slot?] = []
    private var freeSlots: [Int] = []
    private var newest = none
    private var oldest = none
    private(set) var stats = CacheStats()

    init(maxBytes: Int, maxEntries: Int) {
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
        let reserved = min(maxEntries, Self.reservationCeiling)
        index.reserveCapacity(reserved)
        slots.reserveCapacity(reserved)
        freeSlots.reserveCapacity(reserved)
    }

    /// A fresh entry moves to the front and is returned; an expired one is removed (and
    /// returned in `discarded`, to be released outside the lock) and the lookup misses.
    mutating func lookup(_ key: CacheKey, now: Int64) -> (hit: CachedResponse?, discarded: CachedResponse?) {
        guard let slot = index[key], let entry = slots[slot] else {
            stats.misses += 1
            return (nil, nil)
        }
        if now >= entry.response.expiresAtMs {
            stats.misses += 1
            stats.expirations += 1
            return (nil, remove(slot))
        }
        stats.hits += 1
        moveToFront(slot)
        return (entry.response, nil)
    }

    /// Files `response` under `key` (replacing any entry there), first removing entries
    /// from the least recently used end until both bounds hold. The caller has checked that
    /// `bytes` fits in `maxBytes` on its own.
    mutating func insert(_ key: CacheKey, _ response: CachedResponse, bytes: Int, now: Int64) -> (evicted: Int, discarded: Discarded) {
        var discarded = Discarded()
        if let existing = index[key], let old = remove(existing) {
            stats.replacements += 1
            discarded.append(old)
        }
        var evicted = 0
        while oldest != Self.none, stats.entries + 1 > maxEntries || stats.bytes + bytes > maxBytes {
            let slot = oldest
            guard let entry = slots[slot] else { break }
            // A stale entry met here is an expiration, not a loss of something still useful.
            if now >= entry.response.expiresAtMs { stats.expirations += 1 } else { stats.evictions += 1 }
            evicted += 1
            if let old = remove(slot) { discarded.append(old) }
        }
        let slot = freeSlots.popLast() ?? appendSlot()
        slots[slot] = Slot(key: key, response: response, bytes: bytes, newer: Self.none, older: Self.none)
        index[key] = slot
        linkAtFront(slot)
        stats.entries += 1
        stats.bytes += bytes
        stats.stores += 1
        return (evicted, discarded)
    }

    mutating func countRefusal() {
        stats.refusals += 1
    }

    /// Removes every entry of `tenant`, or every entry when nil; returns the removed
    /// responses for release outside the lock. A scan of the whole index: purges are an
    /// operator's action, not the request path's.
    mutating func purge(tenant: String?) -> [CachedResponse] {
        var discarded: [CachedResponse] = []
        guard let tenant else {
            discarded.reserveCapacity(stats.entries)
            for slot in slots { if let slot { discarded.append(slot.response) } }
            stats.purged += stats.entries
            stats.entries = 0
            stats.bytes = 0
            index.removeAll(keepingCapacity: true)
            slots.removeAll(keepingCapacity: true)
            freeSlots.removeAll(keepingCapacity: true)
            newest = Self.none
            oldest = Self.none
            return discarded
        }
        let doomed = index.compactMap { $0.key.tenant == tenant ? $0.value : nil }
        for slot in doomed {
            if let old = remove(slot) { discarded.append(old) }
            stats.purged += 1
        }
        return discarded
    }

    /// Walks the list from newest to oldest (tests check the order and the byte total).
    func keysByRecency() -> [CacheKey] {
        var keys: [CacheKey] = []
        var slot = newest
        while slot != Self.none, let entry = slots[slot] {
            keys.append(entry.key)
            slot = entry.older
        }
        return keys
    }

    /// The sum of the entries' sizes, recounted from the slots.
    func recountedBytes() -> Int {
        slots.reduce(0) { $0 + ($1?.bytes ?? 0) }
    }

    private mutating func appendSlot() -> Int {
        slots.append(nil)
        return slots.count - 1
    }

    private mutating func remove(_ slot: Int) -> CachedResponse? {
        guard let entry = slots[slot] else { return nil }
        unlink(slot)
        index[entry.key] = nil
        slots[slot] = nil
        freeSlots.append(slot)
        stats.entries -= 1
        stats.bytes -= entry.bytes
        return entry.response
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func linkAtFront(_ slot: Int) {
        slots[slot]?.older = newest
        slots[slot]?.newer = Self.none
        if newest != Self.none { slots[newest]?.newer = slot }
        newest = slot
        if oldest == Self.none { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        guard let entry = slots[slot] else { return }
        if entry.newer != Self.none { slots[entry.newer]?.older = entry.older } else { newest = entry.older }
        if entry.older != Self.none { slots[entry.older]?.newer = entry.newer } else { oldest = entry.newer }
        slots[slot]?.newer = Self.none
        slots[slot]?.older = Self.none
    }
}
