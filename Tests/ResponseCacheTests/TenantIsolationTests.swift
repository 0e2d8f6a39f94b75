import Testing
@testable import ResponseCache

/// A response stored for one tenant is never returned for another, however the key's
/// parts are chosen to look alike.
@Suite struct TenantIsolationTests {
    let clock = FakeClock()

    func cacheHolding(_ stored: CacheKey) -> ResponseCache {
        let cache = ResponseCache(maxBytes: 100_000, maxEntries: 100, maxEntryBytes: 10_000, clock: clock.read)
        cache.storeOK(stored, body(#"{"data":{"secret":"acme"}}"#))
        return cache
    }

    @Test(arguments: ["globex", "ACME", "acm", "acme-corp", "acme ", " acme", "", "acme\u{0}"])
    func sameDocumentAndVariablesForAnotherTenantMiss(_ other: String) {
        let cache = cacheHolding(key("acme"))
        #expect(cache.lookup(key(other)) == nil)
        #expect(cache.lookup(key("acme")) != nil)
    }

    @Test func tenantThatIsAPrefixOfAnotherIsADifferentKey() {
        let cache = ResponseCache(maxBytes: 100_000, maxEntries: 100, maxEntryBytes: 10_000, clock: clock.read)
        cache.storeOK(key("acme"), body("short"))
        cache.storeOK(key("acme-corp"), body("long"))
        #expect(cache.lookup(key("acme"))?.body == body("short"))
        #expect(cache.lookup(key("acme-corp"))?.body == body("long"))
    }

    @Test func movingCharactersBetweenTenantAndHashDoesNotCollide() {
        // Joined without a separator both would read "acme" + "a…" + "0…".
        let stored = CacheKey(tenant: "acme", documentHash: hex64("a"), variablesHash: hex64("0"))
        let cache = cacheHolding(stored)
        let shifted = CacheKey(tenant: "acmea", documentHash: String(repeating: "a", count: 63), variablesHash: hex64("0"))
        let shiftedBack = CacheKey(tenant: "acm", documentHash: "e" + hex64("a"), variablesHash: hex64("0"))
        let swapped = CacheKey(tenant: "acme", documentHash: hex64("0"), variablesHash: hex64("a"))
        #expect(cache.lookup(shifted) == nil)
        #expect(cache.lookup(shiftedBack) == nil)
        #expect(cache.lookup(swapped) == nil)
    }

    @Test func operationNameIsPartOfTheKey() {
        let cache = cacheHolding(key(operation: nil))
        #expect(cache.lookup(key(operation: "")) == nil)
        #expect(cache.lookup(key(operation: "Q")) == nil)
        #expect(cache.lookup(key(operation: nil)) != nil)
    }

    @Test func variablesAreComparedAsTheCallerHashedThem() {
        // Absent variables and `{}` are one request only if the caller hashes them alike.
        let cache = cacheHolding(key(variables: "0"))
        #expect(cache.lookup(key(variables: "1")) == nil)
        #expect(cache.lookup(CacheKey(tenant: "acme", documentHash: hex64("a"), variablesHash: "")) == nil)
    }

    @Test func manyTenantsSharingOneDocumentEachSeeTheirOwn() {
        let cache = ResponseCache(maxBytes: 1_000_000, maxEntries: 1_000, maxEntryBytes: 10_000, clock: clock.read)
        let tenants = (0..<200).map { "t\($0)" }  // t1 is a prefix of t10…t19 and t100…t199
        for tenant in tenants { cache.storeOK(key(tenant), body(tenant)) }
        for tenant in tenants { #expect(cache.lookup(key(tenant))?.body == body(tenant)) }
    }
}
