import Config
import Testing

@Suite("Config environment overrides")
struct ConfigEnvironmentTests {
    @Test("each runbook variable overrides its key", arguments: [
        "UPSTREAM_URL", "ENVIRONMENT", "PQ_PHASE", "PQ_BYPASS", "PQ_INTROSPECTION", "DATABASE_URL",
        "REDIS_URL", "PROMQL_URL", "CANARY_CLEAN_DAYS", "CANARY_ESCALATION_DRY_RUN",
    ])
    func override(name: String) throws {
        let (value, check): (String, (SafemutConfig) -> Bool) = switch name {
        case "UPSTREAM_URL": ("http://10.0.0.5:9000", { $0.upstream.url == HTTPEndpoint(host: "10.0.0.5", port: 9000) })
        case "ENVIRONMENT": ("staging", { $0.environment == "staging" })
        case "PQ_PHASE": ("enforce", { $0.persistedQueries.phase == .enforce })
        case "PQ_BYPASS": ("1", { $0.persistedQueries.bypass })
        case "PQ_INTROSPECTION": ("false", { !$0.persistedQueries.introspection })
        case "DATABASE_URL": ("postgresql://u@127.0.0.1/db", { $0.database.url == "postgresql://u@127.0.0.1/db" })
        case "REDIS_URL": ("redis://127.0.0.1:6380", { $0.redis.url == "redis://127.0.0.1:6380" })
        case "PROMQL_URL": ("https://prom.example:9090", { $0.promQL.url == "https://prom.example:9090" })
        case "CANARY_CLEAN_DAYS": ("3", { $0.canary.cleanDays == 3 })
        case "CANARY_ESCALATION_DRY_RUN": ("true", { $0.canary.escalationDryRun })
        default: ("", { _ in false })
        }
        let config = try parse("", environment: [name: value])
        #expect(check(config), "\(name)=\(value)")
        #expect(config != (try parse("")), "\(name) changed nothing")
    }

    @Test("the environment beats the file")
    func environmentWins() throws {
        let yaml = "pq:\n  phase: enforce\n  bypass: false\nupstream:\n  url: http://127.0.0.1:1\n"
        let config = try parse(yaml, environment: ["PQ_PHASE": "log", "PQ_BYPASS": "1", "UPSTREAM_URL": "http://127.0.0.1:2"])
        #expect(config.persistedQueries.phase == .log)
        #expect(config.persistedQueries.bypass)
        #expect(config.upstream.url.port == 2)
    }

    @Test("PQ_BYPASS accepts 1/0/true/false in any case", arguments: [
        ("1", true), ("0", false), ("true", true), ("false", false), ("TRUE", true), ("False", false),
    ])
    func bypassSpellings(text: String, expected: Bool) throws {
        #expect(try parse("", environment: ["PQ_BYPASS": text]).persistedQueries.bypass == expected)
    }

    @Test("an empty variable is ignored, like an unset one")
    func emptyVariableIgnored() throws {
        let config = try parse("pq:\n  phase: log\n", environment: ["PQ_PHASE": "", "DATABASE_URL": ""])
        #expect(config.persistedQueries.phase == .log)
        #expect(config.database.url == nil)
    }

    @Test("unrelated variables are ignored")
    func unrelatedIgnored() throws {
        #expect(try parse("", environment: ["PATH": "/bin", "LISTEN": "nonsense", "HOME": "/root"]) == (try parse("")))
    }
}
