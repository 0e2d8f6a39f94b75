import HTTP
import Identity
import Testing

@Suite("JWT: tokens that verify")
struct JWTAcceptanceTests {
    @Test("HS256 with the shared secret yields the token's identity")
    func hs256() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let token = TokenFactory.hs256(TokenFactory.claims(roles: ["admin", "finance_admin"]))
        let identity = try Fixture.identify(authenticator, Fixture.bearer(token)).get()
        #expect(identity == Identity(subject: "alice", tenant: "demo", roles: ["admin", "finance_admin"], source: .jwt))
    }

    @Test("RS256 signed by the openssl CLI verifies with the JWKS key named by kid")
    func rs256() throws {
        let keys = try TestKeys.get()
        let authenticator = try Fixture.jwtAuthenticator()
        for key in [keys.rsa, keys.rsaRotated] {
            let token = try TokenFactory.rs256(TokenFactory.claims(sub: "bob-\(key.keyID)"), key: key)
            let identity = try Fixture.identify(authenticator, Fixture.bearer(token)).get()
            #expect(identity.subject == "bob-\(key.keyID)")
            #expect(identity.tenant == "demo")
            #expect(identity.source == .jwt)
        }
    }

    @Test("ES256 signed by the openssl CLI (DER converted to r||s) verifies")
    func es256() throws {
        let keys = try TestKeys.get()
        let authenticator = try Fixture.jwtAuthenticator()
        // ECDSA signatures are randomized: several tokens exercise r and s with leading zeros too.
        for index in 0..<4 {
            let token = try TokenFactory.es256(TokenFactory.claims(sub: "carol-\(index)"), key: keys.ec)
            #expect(try Fixture.identify(authenticator, Fixture.bearer(token)).get().subject == "carol-\(index)")
        }
    }

    @Test("aud may be an array that contains the configured audience")
    func audienceArray() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let token = TokenFactory.hs256(TokenFactory.claims(aud: #"["other","safemut"]"#))
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(token)).get() }
    }

    @Test("exp and nbf within the clock skew are accepted")
    func withinSkew() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let now = TokenFactory.now
        let lateToken = TokenFactory.hs256(TokenFactory.claims(exp: now - 59))
        let earlyToken = TokenFactory.hs256(TokenFactory.claims(nbf: now + 59, iat: now + 59))
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(lateToken)).get() }
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(earlyToken)).get() }
    }

    @Test("fractional NumericDates are accepted (exp rounds down, nbf up)")
    func fractionalTimes() throws {
        let authenticator = try Fixture.jwtAuthenticator { $0.clockSkew = .zero }
        let now = TokenFactory.now
        let token = TokenFactory.hs256(#"{"sub":"a","tenant":"demo","exp":\#(now + 1).9,"nbf":\#(now - 1).5,"iss":"\#(TokenFactory.issuer)","aud":"safemut"}"#)
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token), now: now - 1))
            == .notYetValid(notBefore: now, now: now - 1))
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token), now: now)) == nil)
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token), now: now + 1))
            == .expired(expiresAt: now + 1, now: now + 1))
    }

    @Test("a matching X-Tenant header is accepted; the bearer scheme is case-insensitive")
    func matchingTenantHeader() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let token = TokenFactory.hs256()
        let headers = HTTPHeaders([("authorization", "bearer  " + token), ("X-Tenant", "demo")])
        #expect(try Fixture.identify(authenticator, headers).get().tenant == "demo")
    }

    @Test("without issuer and audience configured, iss and aud are not checked")
    func unconfiguredIssuerAndAudience() throws {
        let authenticator = try Fixture.jwtAuthenticator {
            $0.issuer = nil
            $0.audience = nil
        }
        let token = TokenFactory.hs256(TokenFactory.claims(iss: nil, aud: nil))
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(token)).get() }
    }
}
