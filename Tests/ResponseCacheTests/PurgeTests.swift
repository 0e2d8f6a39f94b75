import Testing
@testable import ResponseCache

@Suite struct PurgeTests {
    let clock = FakeClock()

    func filled() -> ResponseCache {
        let cache = ResponseCache(maxBytes: 100_000, maxEntries: 100, maxEntryBytes: 10_000, clock: clock.read)
        for tenant in ["acme", "acme-corp", "globex"] {
            for document: Character in ["a", "b"] { cache.storeOK(key(tenant, document: document), body(tenant)) }
        }
        return cache
    }

    @Test func purgingATenantLeavesTheOthers() {
        let cache = filled()
        #expect(cache.purge(tenant: "acme") == 2)
        #expect(cache.lookup(key("acme")) == nil)
        #expect(cache.lookup(key("acme-corp")) != nil)
        #expect(cache.lookup(key("globex", document: "b")) != nil)
        let snapshot = cache.snapshot()
        #expect((snapshot.stats.entries, snapshot.stats.purged) == (4, 2))
        #expect(snapshot.recountedBytes == snapshot.stats.bytes)
        #expect(snapshot.keysByRecency.allSatisfy { $0.tenant != "acme" })
    }

    @Test func purgingEverythingEmptiesTheCacheAndItFillsAgain() {
        let cache = filled()
        #expect(cache.purge(tenant: nil) == 6)
        let stats = cache.stats
        #expect((stats.entries, stats.bytes, stats.purged) == (0, 0, 6))
        #expect(cache.snapshot().keysByRecency.isEmpty)
        cache.storeOK(key(), body("again"))
        #expect(cache.lookup(key())?.body == body("again"))
    }

    @Test func purgingAnUnknownTenantRemovesNothing() {
        let cache = filled()
        #expect(cache.purge(tenant: "acm") == 0)
        #expect(cache.stats.entries == 6)
    }
}
