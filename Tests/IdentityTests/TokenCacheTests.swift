import HTTP
@testable import Identity
import Testing

@Suite("verified-token cache")
struct TokenCacheTests {
    private static func claims(_ subject: String, expiresAt: Int64 = 2_000_000_000) -> JWTClaims {
        JWTClaims(subject: subject, tenant: "demo", roles: [], expiresAt: expiresAt, notBefore: nil, issuedAt: nil, issuer: nil, audience: [])
    }

    private static func digest(_ text: String) -> VerifiedTokenCache.Digest {
        VerifiedTokenCache.Digest(of: Array(text.utf8))
    }

    @Test("a hit returns the stored claims until invalidFrom, then the entry is gone")
    func expiry() {
        var cache = VerifiedTokenCache(capacity: 4)
        cache.insert(Self.digest("t"), claims: Self.claims("a"), generation: 1, invalidFrom: 100)
        #expect(cache.lookup(Self.digest("t"), generation: 1, now: 99)?.subject == "a")
        #expect(cache.lookup(Self.digest("t"), generation: 1, now: 100) == nil)
        #expect(cache.count == 0)
    }

    @Test("an entry verified against another key set generation is a miss and is dropped")
    func generationChange() {
        var cache = VerifiedTokenCache(capacity: 4)
        cache.insert(Self.digest("t"), claims: Self.claims("a"), generation: 1, invalidFrom: 100)
        #expect(cache.lookup(Self.digest("t"), generation: 2, now: 0) == nil)
        #expect(cache.count == 0)
    }

    @Test("the cache holds at most its capacity, evicting the oldest insertion")
    func bounded() {
        var cache = VerifiedTokenCache(capacity: 3)
        for index in 0..<5 {
            cache.insert(Self.digest("t\(index)"), claims: Self.claims("s\(index)"), generation: 1, invalidFrom: 100)
        }
        #expect(cache.count == 3)
        #expect(cache.lookup(Self.digest("t0"), generation: 1, now: 0) == nil)
        #expect(cache.lookup(Self.digest("t1"), generation: 1, now: 0) == nil)
        #expect(cache.lookup(Self.digest("t4"), generation: 1, now: 0)?.subject == "s4")
        // A slot freed by expiry is reused without disturbing the others.
        cache.insert(Self.digest("t5"), claims: Self.claims("s5"), generation: 1, invalidFrom: 100)
        #expect(cache.count == 3)
        #expect(cache.lookup(Self.digest("t5"), generation: 1, now: 0)?.subject == "s5")
        #expect(cache.lookup(Self.digest("t3"), generation: 1, now: 0)?.subject == "s3")
    }

    @Test("capacity 0 stores nothing")
    func disabled() {
        var cache = VerifiedTokenCache(capacity: 0)
        cache.insert(Self.digest("t"), claims: Self.claims("a"), generation: 1, invalidFrom: 100)
        #expect(cache.count == 0)
    }

    @Test("through the authenticator: one entry per token; expiry and tenant checks still apply on a hit")
    func authenticatorUsesCache() throws {
        let keys = try TestKeys.get()
        let authenticator = try Fixture.jwtAuthenticator(cacheCapacity: 8)
        let now = TokenFactory.now
        let token = try TokenFactory.es256(TokenFactory.claims(exp: now + 30), key: keys.ec)
        for _ in 0..<3 {
            #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(token)).get() }
        }
        #expect(authenticator.tokenCacheStatistics == TokenCacheStatistics(entries: 1, hits: 2, misses: 1))
        let mismatch = Fixture.identify(authenticator, Fixture.bearer(token, [("X-Tenant", "test")]))
        #expect(mismatch == .failure(IdentityError(.tenantMismatch(header: "test", token: "demo"))))
        // exp + skew passes: the cached entry must not keep the token alive.
        let later = Fixture.identify(authenticator, Fixture.bearer(token), now: now + 30 + 60)
        #expect(Fixture.tokenError(later) == .expired(expiresAt: now + 30, now: now + 90))
        #expect(authenticator.cachedTokenCount == 0)
    }

    @Test("refused tokens are never cached")
    func failuresNotCached() throws {
        let authenticator = try Fixture.jwtAuthenticator(cacheCapacity: 8)
        for index in 0..<5 {
            _ = Fixture.identify(authenticator, Fixture.bearer(TokenFactory.hs256(TokenFactory.claims(sub: "x\(index)"), key: Array("wrong secret of enough length....".utf8))))
        }
        #expect(authenticator.cachedTokenCount == 0)
    }
}
