import Testing
@testable import ResponseCache

@Suite struct LookupTests {
    @Test func missThenHit() throws {
        let clock = FakeClock()
        let cache = ResponseCache(maxBytes: 10_000, maxEntries: 10, maxEntryBytes: 10_000, clock: clock.read)
        #expect(cache.lookup(key()) == nil)
        #expect(cache.storeOK(key(), body(#"{"data":{"x":1}}"#)) == .stored(expiresAtMs: clock.now + 60_000, evicted: 0))
        let hit = try #require(cache.lookup(key()))
        #expect(hit.status == 200)
        #expect(hit.body == body(#"{"data":{"x":1}}"#))
        #expect(hit.header("content-type") == "application/json")
        #expect(hit.storedAtMs == clock.now)
        let stats = cache.stats
        #expect((stats.hits, stats.misses, stats.stores, stats.entries) == (1, 1, 1, 1))
    }

    @Test func entryExpiresExactlyAtItsTTL() {
        let clock = FakeClock()
        let cache = ResponseCache(maxBytes: 10_000, maxEntries: 10, maxEntryBytes: 10_000, clock: clock.read)
        cache.storeOK(key(), body("{}"), ttlSeconds: 30)
        clock.advance(ms: 29_999)
        #expect(cache.lookup(key()) != nil)
        clock.advance(ms: 1)
        #expect(cache.lookup(key()) == nil)
        let stats = cache.stats
        #expect((stats.hits, stats.misses, stats.expirations, stats.entries, stats.bytes) == (1, 1, 1, 0, 0))
    }

    @Test func ageCountsWholeSecondsSinceStored() throws {
        let clock = FakeClock()
        let cache = ResponseCache(maxBytes: 10_000, maxEntries: 10, maxEntryBytes: 10_000, clock: clock.read)
        cache.storeOK(key(), body("{}"))
        clock.advance(ms: 2_999)
        let hit = try #require(cache.lookup(key()))
        #expect(hit.ageSeconds(atMs: clock.now) == 2)
        #expect(hit.ageSeconds(atMs: hit.storedAtMs - 5_000) == 0)
    }

    @Test func storingTheSameKeyReplacesTheEntry() throws {
        let clock = FakeClock()
        let cache = ResponseCache(maxBytes: 10_000, maxEntries: 10, maxEntryBytes: 10_000, clock: clock.read)
        cache.storeOK(key(), body("old"))
        clock.advance(ms: 1_000)
        cache.storeOK(key(), body("newer"), ttlSeconds: 5)
        let hit = try #require(cache.lookup(key()))
        #expect(hit.body == body("newer"))
        #expect(hit.expiresAtMs == clock.now + 5_000)
        let stats = cache.stats
        #expect((stats.stores, stats.replacements, stats.entries) == (2, 1, 1))
        #expect(stats.bytes == key().byteCount + 28 + 5)
    }
}
