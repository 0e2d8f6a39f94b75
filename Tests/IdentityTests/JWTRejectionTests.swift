import HTTP
import Identity
import Testing

/// One named test per way a token must be refused (issue 6).
@Suite("JWT: tokens that are refused")
struct JWTRejectionTests {
    private func refusal(_ token: String, change: (inout IdentityConfiguration) -> Void = { _ in }) throws -> JWTError? {
        let authenticator = try Fixture.jwtAuthenticator(change: change)
        let result = Fixture.identify(authenticator, Fixture.bearer(token))
        if case .failure(let error) = result { #expect(error.code == .unauthenticated) }
        return Fixture.tokenError(result)
    }

    @Test("alg none is refused, whatever its case and even with an empty signature")
    func algorithmNone() throws {
        for name in ["none", "None", "NONE"] {
            let unsigned = TokenFactory.signingInput(header: TokenFactory.header(alg: name), payload: TokenFactory.claims()) + "."
            #expect(try refusal(unsigned) == .algorithmNone)
        }
    }

    @Test("algorithm confusion: HS256 keyed with the RSA public key and its kid is refused by name")
    func hs256WithRSAPublicKeyAndKid() throws {
        let keys = try TestKeys.get()
        let forged = TokenFactory.hs256(key: keys.rsa.publicKeyPEM, kid: keys.rsa.keyID)
        #expect(try refusal(forged) == .keyAlgorithmMismatch(algorithm: .hs256, keyID: keys.rsa.keyID, keyType: .rsa))
        // Also when no shared secret is configured at all.
        #expect(try refusal(forged) { $0.hs256Secret = nil }
            == .keyAlgorithmMismatch(algorithm: .hs256, keyID: keys.rsa.keyID, keyType: .rsa))
    }

    @Test("algorithm confusion: HS256 keyed with the RSA public key without kid never verifies")
    func hs256WithRSAPublicKeyNoKid() throws {
        let keys = try TestKeys.get()
        let forged = TokenFactory.hs256(key: keys.rsa.publicKeyPEM)
        #expect(try refusal(forged) == .badSignature)
        #expect(try refusal(forged) { $0.hs256Secret = nil } == .sharedSecretNotConfigured)
    }

    @Test("RS256 naming an EC key (and ES256 naming an RSA key) is refused")
    func publicKeyTypeMismatch() throws {
        let keys = try TestKeys.get()
        let rsaOnEC = try TokenFactory.rs256(key: keys.rsa, kid: keys.ec.keyID)
        #expect(try refusal(rsaOnEC) == .keyAlgorithmMismatch(algorithm: .rs256, keyID: keys.ec.keyID, keyType: .ecP256))
        let ecOnRSA = try TokenFactory.es256(key: keys.ec, kid: keys.rsa.keyID)
        #expect(try refusal(ecOnRSA) == .keyAlgorithmMismatch(algorithm: .es256, keyID: keys.rsa.keyID, keyType: .rsa))
    }

    @Test("an unknown kid is refused")
    func unknownKeyID() throws {
        let keys = try TestKeys.get()
        let token = try TokenFactory.rs256(key: keys.rsa, kid: "no-such-key")
        #expect(try refusal(token) == .unknownKeyID("no-such-key"))
    }

    @Test("RS256 without kid is refused")
    func missingKeyID() throws {
        let token = TokenFactory.assemble(header: TokenFactory.header(alg: "RS256"), signature: [UInt8](repeating: 1, count: 256))
        #expect(try refusal(token) == .missingKeyID)
    }

    @Test("unsupported algorithms are refused before any key is used", arguments: ["HS512", "RS512", "PS256", "ES384", "EdDSA", "hs256"])
    func unsupportedAlgorithm(name: String) throws {
        let token = TokenFactory.assemble(header: TokenFactory.header(alg: name, kid: "rsa-1"), signature: [1, 2, 3])
        #expect(try refusal(token) == .unsupportedAlgorithm(name))
    }

    @Test("bad base64url in the header: a character outside the alphabet")
    func badBase64URLHeader() throws {
        let valid = TokenFactory.hs256()
        let token = "eyJ+" + valid.dropFirst(4)
        #expect(try refusal(token) == .invalidBase64URL(.header, .invalidCharacter(offset: 3)))
    }

    @Test("bad base64url in the signature: standard base64 '/' and '+'")
    func badBase64URLSignature() throws {
        let valid = TokenFactory.hs256()
        let token = valid.dropLast(2) + "/+"
        guard case .invalidBase64URL(.signature, .invalidCharacter)? = try refusal(String(token)) else {
            Issue.record("expected an invalid signature character")
            return
        }
    }

    @Test("bad base64url in the payload: '=' padding")
    func badBase64URLPadding() throws {
        let parts = TokenFactory.hs256().split(separator: ".")
        let token = parts[0] + "." + parts[1] + "==" + "." + parts[2]
        guard case .invalidBase64URL(.payload, .padding)? = try refusal(String(token)) else {
            Issue.record("expected padding to be refused")
            return
        }
    }

    @Test("ES256 signature of the wrong length: DER instead of r||s, and 63 bytes")
    func es256WrongSignatureLength() throws {
        let keys = try TestKeys.get()
        let input = TokenFactory.signingInput(header: TokenFactory.header(alg: "ES256", kid: keys.ec.keyID), payload: TokenFactory.claims())
        let der = try OpenSSLTool.run(["dgst", "-sha256", "-sign", keys.ec.privateKeyPath], input: Array(input.utf8))
        #expect(try refusal(input + "." + Base64URL.encode(der)) == .signatureLength(expected: 64, actual: der.count))
        let short = try TokenFactory.rawECDSASignature(der).dropLast()
        #expect(try refusal(input + "." + Base64URL.encode(short)) == .signatureLength(expected: 64, actual: 63))
    }

    @Test("RS256 signature of the wrong length: one byte short of the modulus")
    func rs256WrongSignatureLength() throws {
        let keys = try TestKeys.get()
        let token = try TokenFactory.rs256(key: keys.rsa)
        let parts = token.split(separator: ".")
        let signature = try Base64URL.decode(parts[2].utf8)
        let truncated = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature.dropLast())
        #expect(try refusal(String(truncated)) == .signatureLength(expected: 256, actual: 255))
    }

    @Test("HS256 signature of the wrong length")
    func hs256WrongSignatureLength() throws {
        let token = TokenFactory.assemble(header: TokenFactory.header(alg: "HS256"), signature: [UInt8](repeating: 7, count: 31))
        #expect(try refusal(token) == .signatureLength(expected: 32, actual: 31))
    }

    @Test("a signature by a key outside the JWKS, under a JWKS kid, does not verify")
    func wrongKey() throws {
        let keys = try TestKeys.get()
        let token = try TokenFactory.rs256(key: keys.rsaOutsider, kid: keys.rsa.keyID)
        #expect(try refusal(token) == .badSignature)
    }

    @Test("a payload changed after signing does not verify (RS256, ES256, HS256)")
    func tamperedPayload() throws {
        let keys = try TestKeys.get()
        let forged = Base64URL.encode(Array(TokenFactory.claims(tenant: "other").utf8))
        for token in [try TokenFactory.rs256(key: keys.rsa), try TokenFactory.es256(key: keys.ec), TokenFactory.hs256()] {
            let parts = token.split(separator: ".")
            #expect(try refusal(parts[0] + "." + forged + "." + parts[2]) == .badSignature)
        }
    }

    @Test("an expired token is refused once exp plus the skew has passed")
    func expired() throws {
        let now = TokenFactory.now
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(exp: now - 61))) == .expired(expiresAt: now - 61, now: now))
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(exp: now - 60))) == .expired(expiresAt: now - 60, now: now))
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(exp: now))) { $0.clockSkew = .zero }
            == .expired(expiresAt: now, now: now))
    }

    @Test("a token not yet valid (nbf past the skew) is refused")
    func notYetValid() throws {
        let now = TokenFactory.now
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(nbf: now + 61))) == .notYetValid(notBefore: now + 61, now: now))
    }

    @Test("a token issued in the future (iat past the skew) is refused")
    func issuedInFuture() throws {
        let now = TokenFactory.now
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(nbf: nil, iat: now + 3600)))
            == .issuedInFuture(issuedAt: now + 3600, now: now))
    }

    @Test("a wrong or missing issuer is refused")
    func wrongIssuer() throws {
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(iss: "https://evil.test"))) == .wrongIssuer("https://evil.test"))
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(iss: nil))) == .wrongIssuer(nil))
    }

    @Test("a wrong or missing audience is refused", arguments: [#""other""#, #"["a","b"]"#, #"[]"#, nil])
    func wrongAudience(aud: String?) throws {
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(aud: aud))) == .wrongAudience)
    }

    @Test("missing tenant, sub or exp is refused")
    func missingClaims() throws {
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(tenant: nil))) == .missingClaim("tenant"))
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(sub: nil))) == .missingClaim("sub"))
        #expect(try refusal(TokenFactory.hs256(TokenFactory.claims(exp: nil))) == .missingClaim("exp"))
    }

    @Test("claims of the wrong type or shape are refused")
    func invalidClaims() throws {
        let cases: [(String, String)] = [
            (TokenFactory.claims(sub: ""), "sub"),
            (TokenFactory.claims(tenant: "{demo}"), "tenant"),
            (TokenFactory.claims(roles: ["fine", "bad,role"]), "roles"),
            (TokenFactory.claims(roles: nil, extra: #""roles":"admin""#), "roles"),
            (TokenFactory.claims(exp: nil, extra: #""exp":"tomorrow""#), "exp"),
            (TokenFactory.claims(aud: "42"), "aud"),
        ]
        for (payload, name) in cases {
            guard case .invalidClaim(let claim, _)? = try refusal(TokenFactory.hs256(payload)) else {
                Issue.record("expected claim \(name) to be refused")
                continue
            }
            #expect(claim == name)
        }
    }

    @Test("an X-Tenant header that disagrees with the token is FORBIDDEN")
    func tenantMismatch() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let token = TokenFactory.hs256()
        let result = Fixture.identify(authenticator, Fixture.bearer(token, [("X-Tenant", "maestro-internal")]))
        guard case .failure(let error) = result else {
            Issue.record("expected FORBIDDEN")
            return
        }
        #expect(error.code == .forbidden)
        #expect(error.code.rawValue == "FORBIDDEN")
        #expect(error.reason == .tenantMismatch(header: "maestro-internal", token: "demo"))
        // A second X-Tenant that disagrees is caught even when the first agrees.
        let twice = Fixture.identify(authenticator, Fixture.bearer(token, [("X-Tenant", "demo"), ("X-Tenant", "test")]))
        #expect(twice == .failure(IdentityError(.tenantMismatch(header: "test", token: "demo"))))
    }

    @Test("an oversized token is refused before it is decoded")
    func oversized() throws {
        let padding = String(repeating: "A", count: 9000)
        let token = TokenFactory.hs256(TokenFactory.claims(extra: #""pad":"\#(padding)""#))
        #expect(try refusal(token) == .tooLarge(bytes: token.utf8.count, limit: 8192))
        // Garbage of that size is refused for its size, not its content.
        #expect(try refusal(String(repeating: "!", count: 8193)) == .tooLarge(bytes: 8193, limit: 8192))
    }

    @Test("a token that is not three parts is refused (including a five-part JWE)")
    func malformedShape() throws {
        for token in ["abc", "a.b", "a.b.c.d.e", ".b.c", "a..c"] {
            guard case .malformed? = try refusal(token) else {
                Issue.record("expected \(token) to be malformed")
                continue
            }
        }
    }

    @Test("critical header extensions and non-JWT types are refused")
    func headerExtensions() throws {
        let crit = TokenFactory.assemble(header: #"{"alg":"HS256","crit":["b64"],"b64":false}"#, signature: [1])
        #expect(try refusal(crit) == .unsupportedCriticalHeader)
        let jwe = TokenFactory.assemble(header: TokenFactory.header(alg: "HS256", typ: "JOSE+JSON"), signature: [1])
        guard case .invalidHeader(name: "typ", _)? = try refusal(jwe) else {
            Issue.record("expected typ to be refused")
            return
        }
    }

    @Test("duplicate members in the header or claims are refused")
    func duplicateMembers() throws {
        let header = TokenFactory.assemble(header: #"{"alg":"HS256","alg":"none"}"#, signature: [1])
        guard case .invalidJSON(.header, let headerError)? = try refusal(header) else {
            Issue.record("expected a duplicate header member to be refused")
            return
        }
        #expect(headerError.reason == .duplicateMember("alg"))
        let payload = TokenFactory.hs256(TokenFactory.claims(extra: #""tenant":"other""#))
        guard case .invalidJSON(.payload, let payloadError)? = try refusal(payload) else {
            Issue.record("expected a duplicate claim to be refused")
            return
        }
        #expect(payloadError.reason == .duplicateMember("tenant"))
    }

    @Test("Authorization missing, not Bearer, or sent twice is UNAUTHENTICATED")
    func authorizationHeaderForms() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let token = TokenFactory.hs256()
        let cases: [(HTTPHeaders, IdentityError.Reason)] = [
            (HTTPHeaders([("X-Tenant", "demo")]), .missingCredentials),
            (HTTPHeaders([("Authorization", "Basic YWxpY2U6cHc=")]), .malformedAuthorization("expected \"Bearer <token>\"")),
            (HTTPHeaders([("Authorization", "Bearer")]), .malformedAuthorization("expected \"Bearer <token>\"")),
            (HTTPHeaders([("Authorization", "Bearer " + token), ("Authorization", "Bearer " + token)]), .malformedAuthorization("sent more than once")),
        ]
        for (headers, reason) in cases {
            let result = Fixture.identify(authenticator, headers)
            #expect(result == .failure(IdentityError(reason)))
            if case .failure(let error) = result { #expect(error.code.rawValue == "UNAUTHENTICATED") }
        }
    }
}
