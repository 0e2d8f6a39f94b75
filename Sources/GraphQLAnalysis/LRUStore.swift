/// A fixed-capacity map that forgets its least recently used entry when full.
/// Not thread-safe: `DocumentCache` keeps it inside a `Mutex`. Slots live in
/// one array linked by indices, so a hit or an insert allocates nothing once
/// the store is full.
struct LRUStore<Key: Hashable, Value> {
    private struct Slot {
        var key: Key
        var value: Value
        var newer: Int
        var older: Int
    }

    let capacity: Int
    private var slots: [Slot] = []
    private var index: [Key: Int] = [:]
    /// Most and least recently used slots; -1 when empty.
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        index.reserveCapacity(self.capacity)
    }

    var count: Int { slots.count }

    /// The value for `key`, which becomes the most recently used.
    mutating func value(for key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        moveToFront(slot)
        return slots[slot].value
    }

    /// Stores `value`, evicting the least recently used entry when full.
    mutating func insert(_ value: Value, for key: Key) {
        if let slot = index[key] {
            slots[slot].value = value
            moveToFront(slot)
            return
        }
        if slots.count < capacity {
            slots.append(Slot(key: key, value: value, newer: -1, older: -1))
            let slot = slots.count - 1
            index[key] = slot
            linkAtFront(slot)
            return
        }
        // Reuse the oldest slot for the new entry.
        let slot = oldest
        unlink(slot)
        index[slots[slot].key] = nil
        slots[slot].key = key
        slots[slot].value = value
        index[key] = slot
        linkAtFront(slot)
    }

    /// Keys from most to least recently used (for tests).
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot != -1 {
            keys.append(slots[slot].key)
            slot = slots[slot].older
        }
        return keys
    }

    private mutating func moveToFront(_ slot: Int) {
        guard slot != newest else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = slots[slot].newer
        let older = slots[slot].older
        if newer != -1 { slots[newer].older = older } else { newest = older }
        if older != -1 { slots[older].newer = newer } else { oldest = newer }
        slots[slot].newer = -1
        slots[slot].older = -1
    }

    private mutating func linkAtFront(_ slot: Int) {
        slots[slot].older = newest
        slots[slot].newer = -1
        if newest != -1 { slots[newest].newer = slot }
        newest = slot
        if oldest == -1 { oldest = slot }
    }
}
