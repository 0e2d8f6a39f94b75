import HTTP
import Identity
import Testing

/// Inputs meant to crash, hang or confuse the verifier; none may.
@Suite("hostile tokens and concurrency")
struct HostileInputTests {
    @Test("degenerate signatures: ECDSA r = s = 0, all-ones; RSA all-ones (≥ modulus) and all-zeros")
    func degenerateSignatures() throws {
        let keys = try TestKeys.get()
        let authenticator = try Fixture.jwtAuthenticator()
        let cases: [(String, String, Int)] = [
            ("ES256", keys.ec.keyID, 64), ("RS256", keys.rsa.keyID, 256),
        ]
        for (alg, kid, length) in cases {
            for fill: UInt8 in [0x00, 0xFF] {
                let token = TokenFactory.assemble(
                    header: TokenFactory.header(alg: alg, kid: kid),
                    signature: [UInt8](repeating: fill, count: length)
                )
                #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token))) == .badSignature, "\(alg) \(fill)")
            }
        }
    }

    @Test("thousands of mutated tokens: every one refused, none crashes")
    func mutatedTokens() throws {
        let keys = try TestKeys.get()
        let authenticator = try Fixture.jwtAuthenticator(cacheCapacity: 64)
        let originals = [TokenFactory.hs256(), try TokenFactory.rs256(key: keys.rsa), try TokenFactory.es256(key: keys.ec)]
        var generator = SplitMix64(seed: 0x5AFE_3717)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u{0}{}\"".utf8)
        var refused = 0
        let rounds = 1500
        for round in 0..<rounds {
            var bytes = Array(originals[round % originals.count].utf8)
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                }
            }
            let token = String(decoding: bytes, as: UTF8.self)
            if token == originals[round % originals.count] { refused += 1; continue }
            if case .failure = Fixture.identify(authenticator, Fixture.bearer(token)) { refused += 1 }
        }
        #expect(refused == rounds)
        #expect(authenticator.cachedTokenCount == 0)
    }

    @Test("header and claims JSON nested deeply, huge numbers, and non-UTF-8 are refused")
    func hostileJSON() throws {
        let authenticator = try Fixture.jwtAuthenticator()
        let deepHeader = #"{"alg":"HS256","x":"# + String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000) + "}"
        let headers: [String] = [deepHeader, #"{"alg":"HS256","n":1e999999}"#, "{\"alg\":\"HS256\",\"k\":\"\u{1F}\"}"]
        for header in headers {
            let token = TokenFactory.assemble(header: header, signature: [1])
            guard case .invalidJSON(.header, _)? = Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token))) else {
                Issue.record("expected invalid header JSON for \(header.prefix(40))")
                continue
            }
        }
        let badUTF8 = Base64URL.encode([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D])
        let token = badUTF8 + "." + Base64URL.encode(Array(TokenFactory.claims().utf8)) + ".AA"
        guard case .invalidJSON(.header, let error)? = Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(token))) else {
            Issue.record("expected invalid UTF-8 to be refused")
            return
        }
        #expect(error.reason == .invalidUTF8)
    }

    @Test("an exp near Int64.max neither overflows into the past nor traps")
    func extremeTimes() throws {
        let authenticator = try Fixture.jwtAuthenticator(cacheCapacity: 8)
        let far = TokenFactory.hs256(TokenFactory.claims(exp: Int64.max, nbf: Int64.min, iat: nil))
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(far)).get() }
        #expect(throws: Never.self) { try Fixture.identify(authenticator, Fixture.bearer(far)).get() }
        let fractional = TokenFactory.hs256(TokenFactory.claims(exp: nil, extra: #""exp":1e300"#))
        #expect(Fixture.tokenError(Fixture.identify(authenticator, Fixture.bearer(fractional))) == .invalidClaim(name: "exp", reason: "is out of range"))
    }

    @Test("concurrent identification while the keys are reloaded: every call succeeds")
    func concurrentReloads() async throws {
        let keys = try TestKeys.get()
        let first = keys.path("concurrent-a.json")
        let second = keys.path("concurrent-b.json")
        try TestKeys.writeJWKS([keys.rsa, keys.ec], to: first)
        try TestKeys.writeJWKS([keys.ec, keys.rsa, keys.rsaRotated], to: second)
        let store = try JWKSStore(path: first)
        let authenticator = try Authenticator(configuration: Fixture.jwtConfiguration(keys: keys, cacheCapacity: 4), keys: store)
        let tokens = [try TokenFactory.rs256(key: keys.rsa), try TokenFactory.es256(key: keys.ec), TokenFactory.hs256()]
        let successes = await withTaskGroup(of: Int.self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var count = 0
                    for index in 0..<60 {
                        let token = tokens[(worker + index) % tokens.count]
                        if case .success = Fixture.identify(authenticator, Fixture.bearer(token)) { count += 1 }
                    }
                    return count
                }
            }
            group.addTask {
                for index in 0..<20 {
                    _ = try? store.reload(from: index.isMultiple(of: 2) ? second : first)
                }
                return 0
            }
            return await group.reduce(0, +)
        }
        #expect(successes == 6 * 60)
    }
}

/// A tiny deterministic generator, so a failing mutation reproduces.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
