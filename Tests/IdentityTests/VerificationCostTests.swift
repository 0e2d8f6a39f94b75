import HTTP
import Identity
import Testing

/// Reports the cost of one verification, cold (full signature check) and from the cache.
/// Timings are printed, never asserted (shared CI cores); what is asserted is that every
/// verification in the loop succeeded and the cache served the repeats.
@Suite("verification cost")
struct VerificationCostTests {
    @Test("µs per verification: HS256, RS256, ES256, cold and cached")
    func measure() throws {
        let keys = try TestKeys.get()
        let tokens: [(String, String)] = [
            ("HS256", TokenFactory.hs256()),
            ("RS256", try TokenFactory.rs256(key: keys.rsa)),
            ("ES256", try TokenFactory.es256(key: keys.ec)),
        ]
        let coldConfiguration = Fixture.jwtConfiguration(keys: keys)
        let verifier = JWTVerifier(configuration: coldConfiguration, keys: try JWKSStore(path: keys.jwksPath))
        let cached = try Fixture.jwtAuthenticator(cacheCapacity: 64)
        let iterations = 300
        var report: [String] = []
        for (name, token) in tokens {
            let headers = Fixture.bearer(token)
            var accepted = 0
            let clock = ContinuousClock()
            let cold = clock.measure {
                for _ in 0..<iterations where (try? verifier.verify(token, now: TokenFactory.now)) != nil {
                    accepted += 1
                }
            }
            _ = Fixture.identify(cached, headers)
            let warm = clock.measure {
                for _ in 0..<iterations where (try? Fixture.identify(cached, headers).get()) != nil {
                    accepted += 1
                }
            }
            #expect(accepted == 2 * iterations, "\(name)")
            report.append("\(name): cold \(Self.microseconds(cold, iterations)) µs, cached \(Self.microseconds(warm, iterations)) µs")
        }
        #expect(cached.cachedTokenCount == tokens.count)
        print("identity verification cost per call — " + report.joined(separator: "; "))
    }

    private static func microseconds(_ duration: Duration, _ iterations: Int) -> String {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let tenths = nanos / Int64(iterations) / 100
        return "\(tenths / 10).\(tenths % 10)"
    }
}
