import Config
import Gateway
import Testing

@Suite("Gateway settings from safemut.yaml")
struct GatewaySettingsTests {
    @Test("limits, timeouts and process-wide pool sizes map onto the runtime settings")
    func mapping() throws {
        let yaml = """
            listen: 127.0.0.1:4555
            upstream:
              url: http://10.0.0.5:8080/api
              pool_size: 64
              max_connections: 255
              connect_timeout_ms: 250
              read_timeout_ms: 1500
            server:
              event_loops: 2
              max_body_bytes: 2048
              max_inflated_body_bytes: 8192
              max_header_count: 50
              header_timeout_ms: 1234
              drain_timeout_ms: 3000
            """
        let config = try SafemutConfig.parse(yaml: yaml, environment: [:], cpuCount: 2, source: "test.yaml")
        let settings = GatewaySettings(config)
        #expect(settings.server.address == "127.0.0.1:4555")
        #expect(settings.server.eventLoops == 2)
        #expect(settings.server.limits.maxBodyBytes == 2048)
        #expect(settings.server.limits.maxHeaderCount == 50)
        #expect(settings.server.timeouts.header == 1_234_000_000)
        #expect(settings.maxInflatedBodyBytes == 8192)
        #expect(settings.drainTimeoutNanos == 3_000_000_000)
        #expect(settings.upstream.host == "10.0.0.5")
        #expect(settings.upstream.port == 8080)
        #expect(settings.upstream.basePath == "/api")
        #expect(settings.upstream.hostHeader == "10.0.0.5:8080")
        #expect(settings.upstream.maxIdlePerLoop == 32)
        #expect(settings.upstream.maxConnectionsPerLoop == 128)
        #expect(settings.upstream.connectTimeoutNanos == 250_000_000)
        #expect(settings.upstream.readTimeoutNanos == 1_500_000_000)
    }

    @Test("UPSTREAM_URL in the environment wins over the file")
    func environment() throws {
        let config = try SafemutConfig.parse(
            yaml: "upstream:\n  url: http://127.0.0.1:1\n", environment: ["UPSTREAM_URL": "http://127.0.0.1:9"], cpuCount: 1, source: "t")
        #expect(GatewaySettings(config).upstream.port == 9)
    }
}
