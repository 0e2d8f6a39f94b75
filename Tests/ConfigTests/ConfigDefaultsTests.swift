@testable import Config
import Foundation
import Testing

/// The repository root, found from this file's path (Tests/ConfigTests/<file>).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func parse(_ yaml: String, environment: [String: String] = [:], cpuCount: Int = 4) throws(ConfigError) -> SafemutConfig {
    try SafemutConfig.parse(yaml: yaml, environment: environment, cpuCount: cpuCount, source: "test.yaml")
}

@Suite("Config defaults and example files")
struct ConfigDefaultsTests {
    @Test("defaults match the documented values")
    func defaults() {
        let config = SafemutConfig(cpuCount: 3)
        #expect(config.listen == HostPort(host: "127.0.0.1", port: 4000))
        #expect(config.environment == "development")
        #expect(config.upstream.url == HTTPEndpoint(host: "127.0.0.1", port: 4001))
        #expect(config.upstream.poolSize == 64)
        #expect(config.upstream.connectTimeout == .milliseconds(1_000))
        #expect(config.upstream.readTimeout == .milliseconds(30_000))
        #expect(config.upstream.maxConnections == 256)
        #expect(config.server.eventLoops == 3)
        #expect(config.server.maxConnections == 10_000)
        #expect(config.server.maxRequestLineBytes == 8_192)
        #expect(config.server.maxHeaderBytes == 16_384)
        #expect(config.server.maxHeaderCount == 100)
        #expect(config.server.maxBodyBytes == 1_048_576)
        #expect(config.server.maxInflatedBodyBytes == 4_194_304)
        #expect(config.server.headerTimeout == .milliseconds(10_000))
        #expect(config.server.bodyIdleTimeout == .milliseconds(10_000))
        #expect(config.server.keepaliveTimeout == .milliseconds(60_000))
        #expect(config.server.writeTimeout == .milliseconds(10_000))
        #expect(config.server.drainTimeout == .milliseconds(15_000))
        #expect(config.log.level == .info)
        #expect(config.log.format == .json)
        #expect(config.persistedQueries.phase == .off)
        #expect(config.persistedQueries.bypass == false)
        #expect(config.persistedQueries.introspection == true)
        #expect(config.database.url == nil)
        #expect(config.redis.url == nil)
        #expect(config.promQL.url == nil)
        #expect(config.canary.cleanDays == 7)
        #expect(config.canary.escalationDryRun == false)
        #expect(config.admin.loopbackOperator == false)
        #expect(config.schema.path == nil)
    }

    @Test("a CPU count below one still gives one event loop")
    func cpuCountFloor() {
        #expect(SafemutConfig(cpuCount: 0).server.eventLoops == 1)
    }

    @Test("an empty file, a comment-only file, a bare document and no file all give the defaults",
          arguments: ["", "# nothing here\n", "---\n", "~\n"])
    func emptyFileIsDefaults(yaml: String) throws {
        #expect(try parse(yaml) == SafemutConfig(cpuCount: 4))
    }

    @Test("no path means no file: defaults plus the environment")
    func noPath() throws {
        let config = try SafemutConfig.load(path: nil, environment: ["PQ_PHASE": "log"], cpuCount: 2)
        var expected = SafemutConfig(cpuCount: 2)
        expected.persistedQueries.phase = .log
        #expect(config == expected)
    }

    @Test("empty sections and empty values keep defaults")
    func emptySectionsAndValues() throws {
        let yaml = "server:\nlog:\n  level:\n  format: ~\ndatabase:\n  url: \"\"\n"
        #expect(try parse(yaml) == SafemutConfig(cpuCount: 4))
    }

    @Test("examples/safemut.yaml parses to exactly the defaults")
    func fullExampleIsDefaults() throws {
        let path = repositoryRoot.appendingPathComponent("examples/safemut.yaml").path
        let config = try SafemutConfig.load(path: path, environment: [:], cpuCount: 5)
        #expect(config == SafemutConfig(cpuCount: 5))
    }

    @Test("examples/safemut.yaml documents every key, in its section")
    func exampleDocumentsEveryKey() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("examples/safemut.yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for key in SafemutConfig.keys {
            let parts = key.path.split(separator: ".").map(String.init)
            if parts.count == 1 {
                #expect(lines.contains { $0.hasPrefix(parts[0] + ":") }, "\(key.path) missing")
                continue
            }
            guard let sectionLine = lines.firstIndex(of: parts[0] + ":") else {
                Issue.record("section \(parts[0]) missing")
                continue
            }
            let body = lines[(sectionLine + 1)...].prefix { $0.isEmpty || $0.hasPrefix(" ") }
            #expect(body.contains { $0.hasPrefix("  \(parts[1]):") }, "\(key.path) missing")
            if let env = key.environment {
                #expect(text.contains("Env: \(env)"), "\(env) not documented")
            }
        }
    }

    @Test("examples/safemut.demo.yaml sets up the demo")
    func demoExample() throws {
        let path = repositoryRoot.appendingPathComponent("examples/safemut.demo.yaml").path
        let config = try SafemutConfig.load(path: path, environment: [:], cpuCount: 2)
        #expect(config.listen.description == "127.0.0.1:4000")
        #expect(config.upstream.url.description == "http://127.0.0.1:4001")
        #expect(config.admin.loopbackOperator)
        #expect(config.schema.path == "examples/intelgraph/schema.graphql")
        #expect(config.log.format == .json)
    }

    @Test("a full file sets every key")
    func everyKeySet() throws {
        let yaml = """
        listen: "[::1]:8080"
        environment: production
        upstream:
          url: http://intelgraph-api:8080/graphql/
          pool_size: 10
          connect_timeout_ms: 500
          read_timeout_ms: 20_000
          max_connections: 100
        server:
          event_loops: 8
          max_connections: 500
          max_request_line_bytes: 4096
          max_header_bytes: 8192
          max_header_count: 50
          max_body_bytes: 65536
          max_inflated_body_bytes: 131072
          header_timeout_ms: 5000
          body_idle_timeout_ms: 6000
          keepalive_timeout_ms: 7000
          write_timeout_ms: 8000
          drain_timeout_ms: 9000
        log:
          level: debug
          format: text
        pq:
          phase: enforce
          bypass: yes
          introspection: false
          require_signature: true
          hmac_key_file: /etc/safemut/pq.key
          ed25519_public_key_path: /etc/safemut/pq.pub
        database:
          url: postgres://safemut:secret@127.0.0.1:5432/safemut
        redis:
          url: redis://127.0.0.1:6379/2
        promql:
          url: http://127.0.0.1:9090
        canary:
          clean_days: 14
          escalation_dry_run: true
          enable: false
          upstream:
            url: http://127.0.0.1:4010
          stages: [10, 50, 100]
          hold: 90s
          exclude_tenants: [acme]
          rules:
            error_ratio:
              percent: 0.5
              window: 30s
              for: 20s
            latency_vs_stable:
              ratio: 1.25
        report:
          smtp:
            host: smtp.example
            port: 587
            from: finops@example.com
            user: safemut
            password_file: /etc/safemut/smtp.password
        admin:
          loopback_operator: true
          ui_key_file: /etc/safemut/ui.key
        schema:
          path: schema.graphql
        identity:
          mode: headers
          hs256_secret_file: /etc/safemut/hs256.key
          jwks_path: /etc/safemut/jwks.json
          issuer: https://issuer.example
          audience: intelgraph-api
          clock_skew_ms: 5000
          default_user: runbook
        analysis:
          max_depth: 12
          max_aliases: 20
          max_root_fields: 10
          max_document_bytes: 65536
          parse_cache_entries: 64
        four_eyes:
          enabled: false
          approval_ttl_ms: 600000
          fail_mode: open
        opa:
          url: http://127.0.0.1:8181
          timeout_ms: 50
          fail_mode: open
        finops:
          budgets:
            llm:
              monthly_usd: 5000
            infra:
              monthly_usd: 18000
              source: prometheus
              query: sum(infra_cost_usd)
        downshift:
          synthetic:
            journey:
              query: "{ health }"
              priority: 1
          tiers:
            3:
              refuse_tags: enricher,batch
              cache_only_tags: heavy_read
              lowest_priority: 2
              rate_factor: 0.5
              max_hops: 3
        policy:
          bundle: /etc/safemut/policies.bundle.json
          public_key: /etc/safemut/policy.pub.pem
          dir: /etc/safemut/policies
        """
        let config = try parse(yaml)
        #expect(config.finOps.budgets["llm"]?.monthlyMicros == 5_000_000_000)
        #expect(config.finOps.budgets["infra"]?.source == .prometheus)
        #expect(config.downshift.tiers["3"]?.refuseTags == ["enricher", "batch"])
        #expect(config.downshift.tiers["3"]?.rateFactorPerMille == 500)
        #expect(config.downshift.synthetic["journey"]?.query == "{ health }")
        #expect(config.policyBundle.bundle == "/etc/safemut/policies.bundle.json")
        #expect(config.listen == HostPort(host: "::1", port: 8080))
        #expect(config.environment == "production")
        #expect(config.upstream.url == HTTPEndpoint(host: "intelgraph-api", port: 8080, basePath: "/graphql"))
        #expect(config.upstream.poolSize == 10)
        #expect(config.upstream.connectTimeout == .milliseconds(500))
        #expect(config.upstream.readTimeout == .seconds(20))
        #expect(config.upstream.maxConnections == 100)
        #expect(config.server.eventLoops == 8)
        #expect(config.server.maxConnections == 500)
        #expect(config.server.maxRequestLineBytes == 4096)
        #expect(config.server.maxHeaderBytes == 8192)
        #expect(config.server.maxHeaderCount == 50)
        #expect(config.server.maxBodyBytes == 65536)
        #expect(config.server.maxInflatedBodyBytes == 131072)
        #expect(config.server.headerTimeout == .seconds(5))
        #expect(config.server.bodyIdleTimeout == .seconds(6))
        #expect(config.server.keepaliveTimeout == .seconds(7))
        #expect(config.server.writeTimeout == .seconds(8))
        #expect(config.server.drainTimeout == .seconds(9))
        #expect(config.log.level == .debug)
        #expect(config.log.format == .text)
        #expect(config.persistedQueries.phase == .enforce)
        #expect(config.persistedQueries.bypass)
        #expect(!config.persistedQueries.introspection)
        #expect(config.database.url == "postgres://safemut:secret@127.0.0.1:5432/safemut")
        #expect(config.redis.url == "redis://127.0.0.1:6379/2")
        #expect(config.promQL.url == "http://127.0.0.1:9090")
        #expect(config.canary.cleanDays == 14)
        #expect(config.canary.escalationDryRun)
        #expect(!config.cutover.enable)
        #expect(config.cutover.upstreamURL?.description == "http://127.0.0.1:4010")
        #expect(config.cutover.stages == [10, 50, 100])
        #expect(config.cutover.hold == .seconds(90))
        #expect(config.cutover.excludeTenants == ["acme"])
        #expect(config.cutover.rules.errorRatioPPM == 5_000)
        #expect(config.cutover.rules.errorRatio.window == .seconds(30))
        #expect(config.cutover.rules.errorRatio.sustain == .seconds(20))
        #expect(config.cutover.rules.latencyVsStablePerMille == 1_250)
        #expect(config.admin.loopbackOperator)
        #expect(config.schema.path == "schema.graphql")
        #expect(config.persistedQueries.requireSignature)
        #expect(config.persistedQueries.hmacKeyFile == "/etc/safemut/pq.key")
        #expect(config.persistedQueries.ed25519PublicKeyPath == "/etc/safemut/pq.pub")
        #expect(config.identity.mode == .headers)
        #expect(config.identity.hs256SecretFile == "/etc/safemut/hs256.key")
        #expect(config.identity.jwksPath == "/etc/safemut/jwks.json")
        #expect(config.identity.issuer == "https://issuer.example")
        #expect(config.identity.audience == "intelgraph-api")
        #expect(config.identity.clockSkew == .seconds(5))
        #expect(config.identity.defaultUser == "runbook")
        #expect(config.analysis.maxDepth == 12)
        #expect(config.analysis.maxAliases == 20)
        #expect(config.analysis.maxRootFields == 10)
        #expect(config.analysis.maxDocumentBytes == 65536)
        #expect(config.analysis.parseCacheEntries == 64)
        #expect(!config.fourEyes.enabled)
        #expect(config.fourEyes.approvalTTL == .seconds(600))
        #expect(config.fourEyes.failMode == .open)
        #expect(config.opa.url == "http://127.0.0.1:8181")
        #expect(config.opa.timeout == .milliseconds(50))
        #expect(config.opa.failMode == .open)

        let settings = Dictionary(uniqueKeysWithValues: config.describedSettings().map { ($0.key, $0.value) })
        #expect(settings.count == SafemutConfig.keys.count)
        #expect(settings["database.url"] == "postgres://safemut:***@127.0.0.1:5432/safemut")
        #expect(settings["listen"] == "[::1]:8080")
        #expect(settings["upstream.read_timeout_ms"] == "20000")
        #expect(settings["pq.phase"] == "enforce")
    }

    @Test("described settings leave out unset optional keys")
    func describedDefaults() {
        let keys = SafemutConfig(cpuCount: 1).describedSettings().map(\.key)
        #expect(!keys.contains("database.url"))
        #expect(keys.contains("server.event_loops"))
        #expect(keys.first == "listen")
    }

    @Test("upstream URLs: port defaults to 80, trailing slashes dropped", arguments: [
        ("http://api", HTTPEndpoint(host: "api", port: 80)),
        ("http://api:8080", HTTPEndpoint(host: "api", port: 8080)),
        ("HTTP://api:8080/", HTTPEndpoint(host: "api", port: 8080)),
        ("http://[::1]:4001/v1/graphql", HTTPEndpoint(host: "::1", port: 4001, basePath: "/v1/graphql")),
        ("http://[::1]", HTTPEndpoint(host: "::1", port: 80)),
    ])
    func upstreamURLs(text: String, expected: HTTPEndpoint) throws {
        #expect(try parse("", environment: ["UPSTREAM_URL": text]).upstream.url == expected)
    }
}
