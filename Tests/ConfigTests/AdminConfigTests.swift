import Config
import Testing

@Suite("admin.* keys")
struct AdminConfigTests {
    @Test("admin.loopback_allowed_origins: a list of origins, kept lowercased; none by default")
    func allowedOrigins() throws {
        #expect(try parse("").admin.loopbackAllowedOrigins.isEmpty)
        let yaml = "admin:\n  loopback_operator: true\n  loopback_allowed_origins: [http://localhost:3000, \"HTTPS://Ops.Example:8443\"]\n"
        let config = try parse(yaml)
        #expect(config.admin.loopbackAllowedOrigins == ["http://localhost:3000", "https://ops.example:8443"])
        let settings = Dictionary(uniqueKeysWithValues: config.describedSettings().map { ($0.key, $0.value) })
        #expect(settings["admin.loopback_allowed_origins"] == "http://localhost:3000,https://ops.example:8443")
    }

    @Test("an origin a browser never sends names the key", arguments: [
        "null", "\"*\"", "localhost:3000", "http://localhost:3000/", "http://localhost:3000/admin", "\"http://\"",
    ])
    func invalidOrigin(origin: String) {
        let error = configError("admin:\n  loopback_allowed_origins: [\(origin)]\n")
        guard case .invalidValue(let key, let expected, _, _) = error else {
            Issue.record("expected invalidValue for \(origin), got \(String(describing: error))")
            return
        }
        #expect(key == "admin.loopback_allowed_origins")
        #expect(expected.hasPrefix("a list of origins"))
    }
}
