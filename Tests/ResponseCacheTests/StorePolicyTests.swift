import Testing
@testable import ResponseCache

@Suite struct StorePolicyTests {
    let clock = FakeClock()
    var cache: ResponseCache { ResponseCache(maxBytes: 10_000, maxEntries: 10, maxEntryBytes: 1_000, clock: clock.read) }

    @Test(arguments: [201, 204, 206, 304, 400, 500, 502])
    func onlyA200IsStored(_ status: Int) {
        let cache = cache
        let outcome = cache.store(key(), status: status, headers: json, body: body("{}"), ttlSeconds: 60, hasErrors: false)
        #expect(outcome == .refused(.status(status)))
        #expect(cache.lookup(key()) == nil)
        #expect(cache.stats.refusals == 1)
    }

    @Test func responseWithGraphQLErrorsIsNotStored() {
        let cache = cache
        let outcome = cache.store(key(), status: 200, headers: json, body: body(#"{"errors":[{}]}"#), ttlSeconds: 60, hasErrors: true)
        #expect(outcome == .refused(.graphQLErrors))
        #expect(cache.stats.entries == 0)
    }

    @Test(arguments: ["no-store", "no-cache", "private", "max-age=abc", #"private="Set-Cookie""#, "public, No-Store"])
    func cacheControlRefuses(_ header: String) {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), headers: json + [("Cache-Control", header)]) == .refused(.cacheControl))
        #expect(cache.lookup(key()) == nil)
    }

    @Test func zeroFreshnessIsNotStored() {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), headers: json + [("cache-control", "max-age=0")]) == .refused(.noFreshness))
        #expect(cache.storeOK(key(), body("{}"), ttlSeconds: 0) == .refused(.noFreshness))
        #expect(cache.storeOK(key(), body("{}"), ttlSeconds: -5) == .refused(.noFreshness))
        #expect(cache.stats.refusals == 3)
    }

    @Test func maxAgeLowersTheExpiry() throws {
        let cache = cache
        let outcome = cache.storeOK(key(), body("{}"), ttlSeconds: 60, headers: json + [("Cache-Control", "public, max-age=10")])
        #expect(outcome == .stored(expiresAtMs: clock.now + 10_000, evicted: 0))
        clock.advance(ms: 10_000)
        #expect(cache.lookup(key()) == nil)
    }

    @Test func sharedMaxAgeSetsTheExpiryOverMaxAge() {
        let cache = cache
        let outcome = cache.storeOK(key(), body("{}"), ttlSeconds: 60, headers: json + [("Cache-Control", "max-age=1, s-maxage=20")])
        #expect(outcome == .stored(expiresAtMs: clock.now + 20_000, evicted: 0))
    }

    @Test func hugeFieldTTLDoesNotOverflowTheExpiry() {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), ttlSeconds: Int.max) == .stored(expiresAtMs: clock.now + 2_147_483_648_000, evicted: 0))
    }

    @Test func onlyContentHeadersAreReplayed() throws {
        let cache = cache
        let upstream: [(String, String)] = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Set-Cookie", "session=secret"),
            ("Connection", "keep-alive"),
            ("Keep-Alive", "timeout=5"),
            ("Transfer-Encoding", "chunked"),
            ("Content-Length", "2"),
            ("Date", "Mon, 07 Dec 2026 01:00:00 GMT"),
            ("X-Request-Id", "req-1"),
            ("Content-Language", "en"),
        ]
        cache.storeOK(key(), body("{}"), headers: upstream)
        let hit = try #require(cache.lookup(key()))
        #expect(hit.headers.map(\.name) == ["Content-Type", "Content-Language"])
        #expect(hit.header("set-cookie") == nil)
        #expect(cache.stats.bytes == key().byteCount + "Content-Type".utf8.count + "application/json; charset=utf-8".utf8.count + "Content-Language".utf8.count + 2 + 2)
    }

    @Test func contentCodedBodyIsNotStored() {
        let cache = cache
        #expect(cache.storeOK(key(), body("x"), headers: json + [("Content-Encoding", "gzip")]) == .refused(.contentEncoding))
        #expect(cache.storeOK(key(), body("{}"), headers: json + [("Content-Encoding", "identity")]) != .refused(.contentEncoding))
    }

    @Test(arguments: ["Authorization", "Cookie", "*", "Accept-Encoding, X-Tenant"])
    func varyOnAnUnkeyedHeaderIsNotStored(_ vary: String) {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), headers: json + [("Vary", vary)]) == .refused(.vary))
    }

    @Test func varyOnAcceptEncodingIsStored() {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), headers: json + [("Vary", " accept-encoding ")]) == .stored(expiresAtMs: clock.now + 60_000, evicted: 0))
    }

    @Test func entryOverMaxEntryBytesIsRefusedAndOneAtItIsStored() {
        let cache = cache
        let overhead = key().byteCount + 28
        let atLimit = [UInt8](repeating: 0x20, count: 1_000 - overhead)
        #expect(cache.storeOK(key(), atLimit) == .stored(expiresAtMs: clock.now + 60_000, evicted: 0))
        #expect(cache.storeOK(key("other"), atLimit + [0x20]) == .refused(.tooLarge(bytes: 1_000 - overhead + 1 + key("other").byteCount + 28)))
        #expect(cache.stats.bytes == 1_000)
    }

    @Test func maxEntryBytesNeverExceedsMaxBytes() {
        let cache = ResponseCache(maxBytes: 300, maxEntries: 10, maxEntryBytes: 5_000, clock: clock.read)
        #expect(cache.maxEntryBytes == 300)
        #expect(cache.storeOK(key(), [UInt8](repeating: 0, count: 300)) == .refused(.tooLarge(bytes: key().byteCount + 28 + 300)))
    }

    @Test func zeroLimitsMakeADisabledCache() {
        let noEntries = ResponseCache(maxBytes: 10_000, maxEntries: 0, maxEntryBytes: 1_000, clock: clock.read)
        #expect(noEntries.storeOK(key(), body("{}")) == .refused(.tooLarge(bytes: key().byteCount + 28 + 2)))
        let noBytes = ResponseCache(maxBytes: -1, maxEntries: 10, maxEntryBytes: 1_000, clock: clock.read)
        #expect(noBytes.storeOK(key(), body("{}")) == .refused(.tooLarge(bytes: key().byteCount + 28 + 2)))
        #expect(noEntries.stats.entries == 0 && noBytes.stats.entries == 0)
    }

    @Test func headerNamesAreMatchedWhateverTheirCase() throws {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), headers: [("CACHE-CONTROL", "no-store")]) == .refused(.cacheControl))
        #expect(cache.storeOK(key(), body("{}"), headers: [("content-ENCODING", "br")]) == .refused(.contentEncoding))
        #expect(cache.storeOK(key(), body("{}"), headers: [("VARY", "cookie")]) == .refused(.vary))
        cache.storeOK(key(), body("{}"), headers: [("content-TYPE", "application/graphql-response+json"), ("SET-COOKIE", "a=b")])
        let hit = try #require(cache.lookup(key()))
        #expect(hit.headers.map(\.name) == ["content-TYPE"])
        #expect(hit.header("Content-Type") == "application/graphql-response+json")
    }

    @Test func anyCodingInAContentEncodingListRefuses() {
        let cache = cache
        #expect(cache.storeOK(key(), body("{}"), headers: json + [("Content-Encoding", "identity, gzip")]) == .refused(.contentEncoding))
    }
}
