/// What `ResponseCache.store` did with a response.
public enum StoreOutcome: Sendable, Equatable {
    /// Stored until `expiresAtMs`; `evicted` older entries were removed to make room
    /// (fresh ones by LRU, or stale ones found at the tail).
    case stored(expiresAtMs: Int64, evicted: Int)
    /// Not stored, and why.
    case refused(StoreRefusal)
}

/// Why a response was not stored.
public enum StoreRefusal: Sendable, Equatable {
    /// Only a 200 is cached; this was the status.
    case status(Int)
    /// The GraphQL response carried `errors` (the caller's flag).
    case graphQLErrors
    /// `Cache-Control` forbade it: `no-store`, `no-cache`, `private`, or a freshness
    /// directive with an invalid value (RFC 9111 §4.2.1: treated as stale).
    case cacheControl
    /// The effective TTL was zero or less (the field's TTL, or `max-age=0`).
    case noFreshness
    /// The body is content-coded (gzip, …): the key does not include `Accept-Encoding`,
    /// so replaying it could hand an encoding to a client that never asked for one.
    case contentEncoding
    /// `Vary` names a request header the key does not include (anything but
    /// `Accept-Encoding`), so one stored answer might not fit another request.
    case vary
    /// The entry (key + replayed headers + body) is larger than `maxEntryBytes`.
    case tooLarge(bytes: Int)
}
