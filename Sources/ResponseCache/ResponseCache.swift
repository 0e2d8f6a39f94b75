import Synchronization

/// A bounded, TTL-aware, tenant-isolated cache of GraphQL responses for `@cacheable`
/// query fields (SPEC §12), consulted on the request path.
///
/// Bounded twice: by total bytes (each entry's key, replayed headers and body) and by
/// entry count; the least recently used entries make room for new ones. An entry is fresh
/// while the clock reads less than its `expiresAtMs`; an expired one is never returned.
///
/// Thread-safe through one `Mutex` over `CacheStorage`. Everything that can be done
/// without the lock is done before taking it: reading the clock, screening headers,
/// parsing `Cache-Control`, sizing the entry. Under the lock there is only a dictionary
/// operation, a few index writes, and counter updates; removed responses are released
/// after it is let go.
public final class ResponseCache: Sendable {
    /// The byte bound (keys + replayed headers + bodies).
    public let maxBytes: Int
    /// The entry-count bound.
    public let maxEntries: Int
    /// Larger entries are refused rather than allowed to push out many smaller ones.
    /// Never more than `maxBytes`.
    public let maxEntryBytes: Int

    private let clock: @Sendable () -> Int64
    private let storage: Mutex<CacheStorage>

    /// - Parameters:
    ///   - maxBytes: the byte bound; zero or less stores nothing.
    ///   - maxEntries: the entry bound; zero or less stores nothing.
    ///   - maxEntryBytes: the largest single entry; capped at `maxBytes` (zero when
    ///     `maxEntries` is).
    ///   - clock: milliseconds, monotonic in production; tests pass a fake. Limits are
    ///     clamped rather than trapped on: the configuration's validation names bad keys,
    ///     and a disabled cache is a safe reading of a zero.
    public init(maxBytes: Int, maxEntries: Int, maxEntryBytes: Int, clock: @escaping @Sendable () -> Int64) {
        self.maxBytes = max(0, maxBytes)
        self.maxEntries = max(0, maxEntries)
        // A cache that may hold no entry admits no entry of any size.
        self.maxEntryBytes = maxEntries > 0 ? max(0, min(maxEntryBytes, maxBytes)) : 0
        self.clock = clock
        self.storage = Mutex(CacheStorage(maxBytes: self.maxBytes, maxEntries: self.maxEntries))
    }

    /// The fresh response stored under `key`, or nil. A hit makes the entry the most
    /// recently used; an expired entry is removed and counts as a miss.
    public func lookup(_ key: CacheKey) -> CachedResponse? {
        let now = clock()
        let (hit, discarded) = storage.withLock { $0.lookup(key, now: now) }
        withExtendedLifetime(discarded) {}  // released here, after the lock
        return hit
    }

    /// Stores an upstream response for `key` if it may be replayed, and says what happened.
    ///
    /// Refused: a status other than 200; `hasErrors` (the caller's reading of the body's
    /// GraphQL `errors`, e.g. `GraphQLResponseErrors.present(in:)`: JSON is not parsed
    /// here); `Cache-Control` `no-store`, `no-cache`, `private` or an invalid freshness
    /// value; an effective TTL of zero; a content-coded body; a `Vary` on a header the key
    /// lacks; an entry over `maxEntryBytes`. The TTL is `ttlSeconds` (the field's
    /// `@cacheable`) lowered by `s-maxage`, else `max-age`. Only `ReplayedHeaders`'
    /// allowlist (`Content-Type`, `Content-Language`) is kept.
    @discardableResult
    public func store(
        _ key: CacheKey, status: Int, headers: [(String, String)], body: [UInt8], ttlSeconds: Int, hasErrors: Bool
    ) -> StoreOutcome {
        let outcome = admit(key, status: status, headers: headers, body: body, ttlSeconds: ttlSeconds, hasErrors: hasErrors)
        switch outcome {
        case .refused(let reason):
            storage.withLock { $0.countRefusal() }
            return .refused(reason)
        case .admitted(let replay, let bytes, let ttl):
            let now = clock()
            let response = CachedResponse(
                status: status, headers: replay, body: body, storedAtMs: now, expiresAtMs: now + Int64(ttl) * 1000
            )
            let (evicted, discarded) = storage.withLock { $0.insert(key, response, bytes: bytes, now: now) }
            withExtendedLifetime(discarded) {}
            return .stored(expiresAtMs: response.expiresAtMs, evicted: evicted)
        }
    }

    /// Removes every entry of `tenant` (nil: every entry); returns how many went.
    @discardableResult
    public func purge(tenant: String?) -> Int {
        let discarded = storage.withLock { $0.purge(tenant: tenant) }
        return discarded.count
    }

    /// The counters and sizes, read together.
    public var stats: CacheStats {
        storage.withLock { $0.stats }
    }

    /// Keys from most to least recently used, and the bytes recounted entry by entry, read
    /// together: for tests of the order and the accounting.
    func snapshot() -> (keysByRecency: [CacheKey], recountedBytes: Int, stats: CacheStats) {
        storage.withLock { ($0.keysByRecency(), $0.recountedBytes(), $0.stats) }
    }

    private enum Admission {
        case admitted(replay: [(name: String, value: String)], bytes: Int, ttlSeconds: Int)
        case refused(StoreRefusal)
    }

    /// Every check that needs no shared state, run before the lock.
    private func admit(
        _ key: CacheKey, status: Int, headers: [(String, String)], body: [UInt8], ttlSeconds: Int, hasErrors: Bool
    ) -> Admission {
        guard status == 200 else { return .refused(.status(status)) }
        guard !hasErrors else { return .refused(.graphQLErrors) }
        let screened = ReplayedHeaders(screening: headers)
        guard let ttl = CacheControl.parse(screened.cacheControl).effectiveTTL(fieldTTLSeconds: ttlSeconds) else {
            return .refused(.cacheControl)
        }
        guard ttl > 0 else { return .refused(.noFreshness) }
        guard !screened.isContentCoded else { return .refused(.contentEncoding) }
        guard !screened.variesOnUnkeyedHeader else { return .refused(.vary) }
        let bytes = key.byteCount + screened.byteCount + body.count
        guard bytes <= maxEntryBytes else { return .refused(.tooLarge(bytes: bytes)) }
        // The same ceiling as delta-seconds, so a huge field TTL cannot overflow the clock.
        return .admitted(replay: screened.replay, bytes: bytes, ttlSeconds: min(ttl, CacheControl.deltaSecondsCeiling))
    }
}
