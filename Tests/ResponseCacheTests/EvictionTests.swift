import Testing
@testable import ResponseCache

/// Entry sizes here are exact: `key(document:)` is 4 + 64 + 64 = 132 bytes, the JSON
/// content type 12 + 16 = 28, so an entry is 160 bytes plus its body.
@Suite struct EvictionTests {
    let clock = FakeClock()

    @Test func entrySizesAreWhatTheseTestsAssume() {
        #expect(key().byteCount == 132)
        #expect(CacheKey(tenant: "acme", documentHash: hex64("a"), variablesHash: hex64("0"), operationName: "Q").byteCount == 133)
    }

    @Test func countBoundEvictsTheLeastRecentlyUsed() {
        let cache = ResponseCache(maxBytes: 100_000, maxEntries: 3, maxEntryBytes: 10_000, clock: clock.read)
        for document: Character in ["a", "b", "c"] { cache.storeOK(key(document: document), body("{}")) }
        #expect(cache.lookup(key(document: "a")) != nil)  // a is now the most recent; b the least
        #expect(cache.storeOK(key(document: "d"), body("{}")) == .stored(expiresAtMs: clock.now + 60_000, evicted: 1))
        #expect(cache.lookup(key(document: "b")) == nil)
        let snapshot = cache.snapshot()
        #expect(snapshot.keysByRecency == [key(document: "d"), key(document: "a"), key(document: "c")])
        #expect((snapshot.stats.entries, snapshot.stats.evictions, snapshot.stats.bytes) == (3, 1, 3 * 162))
        #expect(snapshot.recountedBytes == snapshot.stats.bytes)
    }

    @Test func byteBoundEvictsAsManyAsNeeded() {
        let cache = ResponseCache(maxBytes: 650, maxEntries: 100, maxEntryBytes: 650, clock: clock.read)
        let fortyBytes = [UInt8](repeating: 0x61, count: 40)  // a 200-byte entry
        for document: Character in ["a", "b", "c"] {
            #expect(cache.storeOK(key(document: document), fortyBytes) == .stored(expiresAtMs: clock.now + 60_000, evicted: 0))
        }
        #expect(cache.stats.bytes == 600)
        #expect(cache.storeOK(key(document: "d"), fortyBytes) == .stored(expiresAtMs: clock.now + 60_000, evicted: 1))
        #expect(cache.snapshot().keysByRecency == [key(document: "d"), key(document: "c"), key(document: "b")])
        #expect(cache.stats.bytes == 600)

        // A 400-byte entry needs 600 + 400 - 650 = 350 bytes freed: two 200-byte entries.
        let bigger = [UInt8](repeating: 0x62, count: 240)
        #expect(cache.storeOK(key(document: "e"), bigger) == .stored(expiresAtMs: clock.now + 60_000, evicted: 2))
        let snapshot = cache.snapshot()
        #expect(snapshot.keysByRecency == [key(document: "e"), key(document: "d")])
        #expect((snapshot.stats.bytes, snapshot.stats.entries, snapshot.stats.evictions) == (600, 2, 3))
        #expect(snapshot.recountedBytes == 600)
    }

    @Test func aStaleEntryAtTheTailCountsAsAnExpiration() {
        let cache = ResponseCache(maxBytes: 100_000, maxEntries: 2, maxEntryBytes: 10_000, clock: clock.read)
        cache.storeOK(key(document: "a"), body("{}"), ttlSeconds: 1)
        cache.storeOK(key(document: "b"), body("{}"), ttlSeconds: 60)
        clock.advance(ms: 2_000)
        #expect(cache.storeOK(key(document: "c"), body("{}")) == .stored(expiresAtMs: clock.now + 60_000, evicted: 1))
        let stats = cache.stats
        #expect((stats.evictions, stats.expirations, stats.entries) == (0, 1, 2))
    }

    @Test func replacingAnEntryFreesItsBytesBeforeEvicting() {
        let cache = ResponseCache(maxBytes: 450, maxEntries: 10, maxEntryBytes: 450, clock: clock.read)
        cache.storeOK(key(document: "a"), [UInt8](repeating: 0, count: 40))
        cache.storeOK(key(document: "b"), [UInt8](repeating: 0, count: 40))
        // b grows from 200 to 240 bytes: its own old copy goes first, so a stays (200 + 240 ≤ 450; with the old copy it would be 640).
        #expect(cache.storeOK(key(document: "b"), [UInt8](repeating: 0, count: 80)) == .stored(expiresAtMs: clock.now + 60_000, evicted: 0))
        let stats = cache.stats
        #expect((stats.entries, stats.bytes, stats.replacements, stats.evictions) == (2, 440, 1, 0))
    }

    @Test func slotsFreedByEvictionAreReused() {
        let cache = ResponseCache(maxBytes: 100_000, maxEntries: 2, maxEntryBytes: 10_000, clock: clock.read)
        let documents: [Character] = ["a", "b", "c", "d", "e", "f", "1", "2"]
        for document in documents { cache.storeOK(key(document: document), body("{}")) }
        let snapshot = cache.snapshot()
        #expect(snapshot.keysByRecency == [key(document: "2"), key(document: "1")])
        #expect((snapshot.stats.stores, snapshot.stats.evictions, snapshot.recountedBytes) == (8, 6, 2 * 162))
    }
}
