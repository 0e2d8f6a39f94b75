import Config
import Testing

/// The `rate:` section: values, per-tenant overrides, lists, and every bad value naming its key.
@Suite("rate.* configuration")
struct RateConfigTests {
    static func load(_ yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> RateLimitConfig {
        try SafemutConfig.parse(yaml: yaml, environment: environment, cpuCount: 1, source: "t.yaml").rate
    }

    static func error(_ yaml: String, environment: [String: String] = [:]) -> String {
        do {
            _ = try load(yaml, environment: environment)
            return "(loaded)"
        } catch {
            return error.description
        }
    }

    @Test("defaults: on, open, 50 ms, the seed canaries, lower canary limits")
    func defaults() throws {
        let config = try Self.load("")
        #expect(config.enabled)
        #expect(config.failMode == .open)
        #expect(config.timeout == .milliseconds(50))
        #expect(config.canaryTenants == ["test", "demo", "maestro-internal"])
        #expect(config.limits(for: "demo") == config.canaryClass)
        #expect(config.limits(for: "acme") == config.defaultClass)
        #expect(config.canaryClass.tenantBurst < config.defaultClass.tenantBurst)
        #expect(config.canaryClass.operationPerSecond < config.defaultClass.operationPerSecond)
    }

    @Test("classes, decimal rates, a list of canaries and partial per-tenant overrides")
    func fullSection() throws {
        let config = try Self.load("""
            rate:
              enabled: false
              fail_mode: closed
              timeout_ms: 75
              classes:
                default:
                  tenant_per_second: 40
                  tenant_burst: 80
                  operation_per_second: 0.5
                  operation_burst: 3
                canary:
                  tenant_burst: 4
              canary_tenants:
                - alpha
                - beta.team:1
              tenants:
                acme:
                  tenant_burst: 1000
                alpha:
                  operation_per_second: 0.125
            """)
        #expect(!config.enabled)
        #expect(config.failMode == .closed)
        #expect(config.timeout == .milliseconds(75))
        #expect(config.defaultClass.operationPerSecond.microsPerSecond == 500_000)
        #expect(config.canaryTenants == ["alpha", "beta.team:1"])
        #expect(config.limits(for: "acme").tenantBurst == 1000)
        #expect(config.limits(for: "acme").tenantPerSecond == TokenRate(wholePerSecond: 40), "unset overrides keep the class")
        #expect(config.limits(for: "alpha").tenantBurst == 4, "alpha is a canary")
        #expect(config.limits(for: "alpha").operationPerSecond.microsPerSecond == 125_000)
    }

    @Test("RATE_FAIL_MODE and RATE_CANARY_TENANTS override the file")
    func environment() throws {
        let config = try Self.load(
            "rate:\n  fail_mode: open\n", environment: ["RATE_FAIL_MODE": "closed", "RATE_CANARY_TENANTS": "x, y"])
        #expect(config.failMode == .closed)
        #expect(config.canaryTenants == ["x", "y"])
    }

    @Test("described settings show per-tenant overrides as one line per key")
    func described() throws {
        let config = try SafemutConfig.parse(
            yaml: "rate:\n  tenants:\n    b:\n      tenant_burst: 2\n    a:\n      tenant_burst: 1\n", environment: [:], cpuCount: 1, source: "t")
        let settings = Dictionary(config.describedSettings().map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(settings["rate.tenants.*.tenant_burst"] == "a=1,b=2")
        #expect(settings["rate.canary_tenants"] == "test,demo,maestro-internal")
    }

    @Test("a zero burst names the key")
    func zeroBurst() {
        #expect(Self.error("rate:\n  classes:\n    default:\n      tenant_burst: 0\n")
            == #"config error: rate.classes.default.tenant_burst: expected an integer from 1 to 1000000, got "0" (t.yaml:4:21)"#)
    }

    @Test("a burst that is not a number names the key")
    func wordBurst() {
        #expect(Self.error("rate:\n  classes:\n    canary:\n      operation_burst: lots\n")
            .hasPrefix(#"config error: rate.classes.canary.operation_burst: expected an integer"#))
    }

    @Test("a rate with seven decimals names the key")
    func tooPreciseRate() {
        #expect(Self.error("rate:\n  classes:\n    default:\n      tenant_per_second: 0.0000001\n")
            .hasPrefix("config error: rate.classes.default.tenant_per_second: expected tokens per second"))
    }

    @Test("a zero or negative rate names the key", arguments: ["0", "-1", "1e3"])
    func nonPositiveRate(text: String) {
        #expect(Self.error("rate:\n  classes:\n    default:\n      operation_per_second: \"\(text)\"\n")
            .hasPrefix("config error: rate.classes.default.operation_per_second: expected tokens per second"))
    }

    @Test("a bad fail mode names the key, and the variable")
    func badFailMode() {
        #expect(Self.error("rate:\n  fail_mode: maybe\n").hasPrefix("config error: rate.fail_mode: expected one of closed, open"))
        #expect(Self.error("", environment: ["RATE_FAIL_MODE": "sometimes"])
            .hasPrefix("config error: RATE_FAIL_MODE (env): expected one of closed, open"))
    }

    @Test("a zero timeout names the key")
    func zeroTimeout() {
        #expect(Self.error("rate:\n  timeout_ms: 0\n").hasPrefix("config error: rate.timeout_ms: expected a duration"))
    }

    @Test("an override for a tenant id with braces names the tenant's path")
    func braceTenantOverride() {
        #expect(Self.error("rate:\n  tenants:\n    \"a}b\":\n      tenant_burst: 5\n")
            .hasPrefix(#"config error: rate.tenants.a}b: expected a tenant id"#))
    }

    @Test("a bad value in a tenant override names the full path")
    func badOverrideValue() {
        #expect(Self.error("rate:\n  tenants:\n    acme:\n      tenant_burst: -3\n")
            .hasPrefix("config error: rate.tenants.acme.tenant_burst: expected an integer from 1 to 1000000"))
    }

    @Test("an unknown key in an override is named, with a suggestion")
    func unknownOverrideKey() {
        #expect(Self.error("rate:\n  tenants:\n    acme:\n      tenant_brust: 5\n")
            .hasPrefix("config error: rate.tenants.acme.tenant_brust: unknown key (did you mean rate.tenants.*.tenant_burst?)"))
    }

    @Test("an unknown class is an unknown key")
    func unknownClass() {
        #expect(Self.error("rate:\n  classes:\n    gold:\n      tenant_burst: 5\n").hasPrefix("config error: rate.classes.gold: unknown key"))
    }

    @Test("a canary list entry with braces, or a nested list, names the key")
    func badCanaryList() {
        #expect(Self.error("rate:\n  canary_tenants: [demo, \"{x}\"]\n").hasPrefix("config error: rate.canary_tenants: expected a list of tenant ids"))
        #expect(Self.error("rate:\n  canary_tenants: [demo, [x]]\n").hasPrefix("config error: rate.canary_tenants: expected a list of tenant ids"))
        #expect(Self.error("rate:\n  canary_tenants: [\"a,b\"]\n").hasPrefix("config error: rate.canary_tenants: expected a list of tenant ids"))
    }

    @Test("a list where one value belongs is a wrong type")
    func listForScalar() {
        #expect(Self.error("rate:\n  timeout_ms: [1, 2]\n") == #"config error: rate.timeout_ms: expected a duration in milliseconds from 1 to 86400000, got a list (t.yaml:2:15)"#)
    }
}
