import Foundation
import Identity
import Testing

@Suite("JWKS files: loading, bad input, reload")
struct JWKSTests {
    @Test("the generated JWKS loads its two RSA keys and one P-256 key")
    func loadsKeys() throws {
        let keys = try TestKeys.get()
        let set = try JWKSet.load(path: keys.jwksPath)
        #expect(set.keys.count == 3)
        #expect(set[keys.rsa.keyID]?.type == .rsa)
        #expect(set[keys.rsa.keyID]?.algorithm == .rs256)
        #expect(set[keys.rsa.keyID]?.bits == 2048)
        #expect(set[keys.rsa.keyID]?.signatureLength == 256)
        #expect(set[keys.ec.keyID]?.type == .ecP256)
        #expect(set[keys.ec.keyID]?.signatureLength == 64)
        #expect(set.skipped.isEmpty)
        #expect(set.source == keys.jwksPath)
    }

    @Test("a JWKS file that does not parse: typed error naming the file and the reason")
    func fileDoesNotParse() throws {
        let keys = try TestKeys.get()
        let path = keys.path("broken.json")
        try TestKeys.write(#"{"keys":[{"kty":"RSA","n":"AQAB",}]}"#, to: path)
        #expect {
            try JWKSet.load(path: path)
        } throws: { error in
            guard let error = error as? JWKSError, case .invalidJSON(let json) = error.reason else { return false }
            return error.path == path && json.reason == .unexpectedByte(UInt8(ascii: "}"))
                && error.description.hasPrefix("JWKS file \(path) is not valid JSON: unexpected byte")
        }
    }

    @Test("reloading a JWKS file that does not parse keeps the previous keys in force")
    func badReloadKeepsPreviousKeys() throws {
        let keys = try TestKeys.get()
        let path = keys.path("reload.json")
        try TestKeys.writeJWKS([keys.rsa], to: path)
        let store = try JWKSStore(path: path)
        var configuration = Fixture.jwtConfiguration(keys: keys)
        configuration.jwksPath = path
        let authenticator = try Authenticator(configuration: configuration, keys: store)
        let token = try TokenFactory.rs256(key: keys.rsa)
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(token)).get() }

        try TestKeys.write("this is not json", to: path)
        #expect(throws: JWKSError.self) { try authenticator.reloadKeys() }
        #expect(throws: JWKSError.self) { try store.reload(from: path) }
        #expect(store.current.keys.count == 1)
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(token)).get() }
    }

    @Test("reload swaps in rotated keys: the removed key's tokens stop verifying, even when cached")
    func reloadRotatesKeys() throws {
        let keys = try TestKeys.get()
        let path = keys.path("rotate.json")
        try TestKeys.writeJWKS([keys.rsa], to: path)
        var configuration = Fixture.jwtConfiguration(keys: keys, cacheCapacity: 16)
        configuration.jwksPath = path
        let authenticator = try Authenticator(configuration: configuration)
        let oldToken = try TokenFactory.rs256(key: keys.rsa)
        let newToken = try TokenFactory.rs256(key: keys.rsaRotated)
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(oldToken)).get() }
        #expect(authenticator.cachedTokenCount == 1)
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(newToken))) == .unknownKeyID(keys.rsaRotated.keyID))

        try TestKeys.writeJWKS([keys.rsaRotated], to: path)
        let reloaded = try authenticator.reloadKeys()
        #expect(reloaded?.keys.count == 1)
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(oldToken))) == .unknownKeyID(keys.rsa.keyID))
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(newToken)).get() }
    }

    @Test("a cached token stops verifying when the store is swapped directly, without reloadKeys")
    func swappedStoreInvalidatesCache() throws {
        let keys = try TestKeys.get()
        let store = try JWKSStore(path: keys.jwksPath)
        let authenticator = try Authenticator(configuration: Fixture.jwtConfiguration(keys: keys, cacheCapacity: 16), keys: store)
        let token = try TokenFactory.es256(key: keys.ec)
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(token)).get() }
        let path = keys.path("rsa-only.json")
        try TestKeys.writeJWKS([keys.rsa], to: path)
        try store.reload(from: path)
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token))) == .unknownKeyID(keys.ec.keyID))
    }

    @Test("a missing JWKS file names the file and the OS reason")
    func missingFile() throws {
        let path = "/nonexistent/safemut/jwks.json"
        #expect {
            try JWKSet.load(path: path)
        } throws: { error in
            guard let error = error as? JWKSError, case .unreadable(let reason) = error.reason else { return false }
            return error.path == path && reason.contains("No such file")
        }
    }

    @Test("an unusable JWKS at start fails the authenticator with the config field named")
    func unusableAtStart() throws {
        let keys = try TestKeys.get()
        let path = keys.path("empty.json")
        try TestKeys.write("", to: path)
        var configuration = Fixture.jwtConfiguration(keys: keys)
        configuration.jwksPath = path
        #expect {
            try Authenticator(configuration: configuration)
        } throws: { error in
            guard let error = error as? IdentityConfigurationError else { return false }
            return error.field == "jwksPath" && error.message.contains(path)
        }
    }

    @Test("valid JSON that is not a key set is refused", arguments: [#"[]"#, #"{"keys":{}}"#, #"{"other":[]}"#, #"{"keys":[42]}"#])
    func notAKeySet(text: String) throws {
        #expect(throws: JWKSError.self) { try JWKSet.parse(Array(text.utf8), source: "inline") }
    }

    @Test("a JWK holding private key members fails the file")
    func privateKeyMaterial() throws {
        let keys = try TestKeys.get()
        let withPrivate = keys.rsa.jwk.dropLast() + #","d":"AQAB"}"#
        let error = try #require(throws: JWKSError.self) { try JWKSet.parse(Array(#"{"keys":[\#(withPrivate)]}"#.utf8), source: "inline") }
        guard case .invalidKey(index: 0, keyID: keys.rsa.keyID, let reason) = error.reason else {
            Issue.record("expected an invalid key, got \(error)")
            return
        }
        #expect(reason.contains("private key member \"d\""))
    }

    @Test("two keys with the same kid fail the file")
    func duplicateKeyID() throws {
        let keys = try TestKeys.get()
        let error = try #require(throws: JWKSError.self) {
            try JWKSet.parse(Array(#"{"keys":[\#(keys.rsa.jwk),\#(keys.rsa.jwk)]}"#.utf8), source: "inline")
        }
        #expect(error.reason == .duplicateKeyID(keys.rsa.keyID))
    }

    @Test("an EC point that is not on P-256 fails the file (invalid-curve defence)")
    func pointNotOnCurve() throws {
        let x = Base64URL.encode([UInt8](repeating: 1, count: 32))
        let y = Base64URL.encode([UInt8](repeating: 2, count: 32))
        let text = #"{"keys":[{"kty":"EC","crv":"P-256","kid":"bad","x":"\#(x)","y":"\#(y)"}]}"#
        let error = try #require(throws: JWKSError.self) { try JWKSet.parse(Array(text.utf8), source: "inline") }
        guard case .invalidKey(index: 0, keyID: "bad", let reason) = error.reason else {
            Issue.record("expected an invalid key, got \(error)")
            return
        }
        #expect(reason.contains("P-256"))
    }

    @Test("EC coordinates that are not 32 bytes, and bad base64url members, fail the file")
    func malformedMembers() throws {
        let short = Base64URL.encode([UInt8](repeating: 1, count: 31))
        let full = Base64URL.encode([UInt8](repeating: 1, count: 32))
        let texts = [
            #"{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"\#(short)","y":"\#(full)"}]}"#,
            #"{"keys":[{"kty":"RSA","kid":"k","n":"not base64url!","e":"AQAB"}]}"#,
            #"{"keys":[{"kty":"RSA","kid":"k","n":"AQAB"}]}"#,
        ]
        for text in texts {
            let error = try #require(throws: JWKSError.self) { try JWKSet.parse(Array(text.utf8), source: "inline") }
            guard case .invalidKey(index: 0, keyID: "k", _) = error.reason else {
                Issue.record("expected an invalid key, got \(error)")
                continue
            }
        }
    }

    @Test("keys the gateway does not use are skipped with a reason; the usable ones load")
    func skippedKeys() throws {
        let keys = try TestKeys.get()
        let weakModulus = Base64URL.encode([0xC1] + [UInt8](repeating: 0x35, count: 126) + [0x01])
        let entries = [
            #"{"kty":"oct","kid":"shared","k":"c2VjcmV0"}"#,
            #"{"kty":"RSA","use":"enc","kid":"encryption","n":"AQAB","e":"AQAB"}"#,
            #"{"kty":"EC","crv":"P-384","kid":"p384","x":"AQAB","y":"AQAB"}"#,
            #"{"kty":"RSA","alg":"RS384","kid":"rs384","n":"AQAB","e":"AQAB"}"#,
            #"{"kty":"OKP","crv":"Ed25519","kid":"ed","x":"AQAB"}"#,
            #"{"kty":"RSA","kid":"weak","n":"\#(weakModulus)","e":"AQAB"}"#,
            #"{"kty":"RSA","key_ops":["encrypt"],"kid":"ops","n":"AQAB","e":"AQAB"}"#,
            keys.rsa.jwk.replacingOccurrences(of: #","kid":"rsa-1""#, with: ""),
            keys.ec.jwk,
        ]
        let set = try JWKSet.parse(Array(#"{"keys":[\#(entries.joined(separator: ","))]}"#.utf8), source: "inline")
        #expect(Array(set.keys.keys) == [keys.ec.keyID])
        #expect(set.skipped.map(\.keyID) == ["shared", "encryption", "p384", "rs384", "ed", "weak", "ops", nil])
        #expect(set.skipped.first { $0.keyID == "weak" }?.reason == "RSA modulus of 1024 bits is below 2048")
    }

    @Test("a file whose keys are all skipped fails: no usable keys")
    func noUsableKeys() throws {
        let text = #"{"keys":[{"kty":"oct","kid":"shared","k":"c2VjcmV0"}]}"#
        let error = try #require(throws: JWKSError.self) { try JWKSet.parse(Array(text.utf8), source: "inline") }
        #expect(error.reason == .noUsableKeys)
    }

    @Test("an oversized JWKS file is refused unread")
    func oversizedFile() throws {
        let keys = try TestKeys.get()
        let path = keys.path("huge.json")
        try TestKeys.write(#"{"keys":[],"pad":""# + String(repeating: "x", count: JWKSet.maximumFileBytes) + #""}"#, to: path)
        let error = try #require(throws: JWKSError.self) { try JWKSet.load(path: path) }
        guard case .tooLarge(_, let limit) = error.reason else {
            Issue.record("expected tooLarge, got \(error)")
            return
        }
        #expect(limit == JWKSet.maximumFileBytes)
    }
}
