import Identity
import Testing

@Suite("identity configuration")
struct ConfigurationTests {
    @Test("defaults: headers mode, 60 s skew, 8 KiB tokens, loopback operator off")
    func defaults() throws {
        let configuration = IdentityConfiguration()
        #expect(configuration.mode == .headers)
        #expect(configuration.clockSkew == .seconds(60))
        #expect(configuration.maxTokenBytes == 8192)
        #expect(!configuration.loopbackOperator)
        try configuration.validate()
    }

    @Test("invalid settings name the field", arguments: [
        (IdentityConfiguration(mode: .jwt), "hs256Secret/jwksPath"),
        (IdentityConfiguration(mode: .jwt, hs256Secret: Array("short".utf8)), "hs256Secret"),
        (IdentityConfiguration(clockSkew: .seconds(301)), "clockSkew"),
        (IdentityConfiguration(clockSkew: .seconds(-1)), "clockSkew"),
        (IdentityConfiguration(issuer: ""), "issuer"),
        (IdentityConfiguration(defaultUser: ""), "defaultUser"),
        (IdentityConfiguration(maxTokenBytes: 10), "maxTokenBytes"),
        (IdentityConfiguration(tokenCacheCapacity: -1), "tokenCacheCapacity"),
        (IdentityConfiguration(loopbackAllowedOrigins: ["http://localhost:3000/"]), "loopbackAllowedOrigins"),
    ])
    func invalid(configuration: IdentityConfiguration, field: String) {
        #expect {
            try configuration.validate()
        } throws: { error in
            (error as? IdentityConfigurationError)?.field == field
        }
    }

    @Test("the description never shows the secret")
    func secretRedacted() {
        let configuration = IdentityConfiguration(mode: .jwt, hs256Secret: Array("super-secret-value-that-is-long-enough".utf8))
        #expect(!configuration.description.contains("super-secret"))
        #expect(configuration.description.contains("<38 bytes>"))
    }
}
