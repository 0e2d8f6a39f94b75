/// Counters and sizes of a `ResponseCache`, read together under its lock so they add up.
///
/// The identities that always hold:
/// - `hits + misses` is the number of lookups;
/// - `entries == stores - replacements - evictions - expirations - purged`;
/// - `bytes <= maxBytes` and `entries <= maxEntries`.
public struct CacheStats: Sendable, Equatable {
    /// Lookups answered with a fresh entry.
    public var hits = 0
    /// Lookups that found nothing, or only an expired entry.
    public var misses = 0
    /// Responses stored (a store over an existing key counts here and in `replacements`).
    public var stores = 0
    /// Stores declined (`StoreOutcome.refused`).
    public var refusals = 0
    /// Entries removed because a newer store for the same key took their place.
    public var replacements = 0
    /// Fresh entries removed to make room (least recently used first).
    public var evictions = 0
    /// Entries removed after their expiry: found stale by a lookup or at the LRU tail.
    public var expirations = 0
    /// Entries removed by `purge`.
    public var purged = 0
    /// Bytes held now: keys, replayed headers and bodies.
    public var bytes = 0
    /// Entries held now.
    public var entries = 0

    public init() {}
}
