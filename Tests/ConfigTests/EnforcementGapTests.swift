@testable import Config
import Testing

@Suite("require_enforcement: a production gateway cannot start with a check silently missing")
struct EnforcementGapTests {
    @Test("development without database or redis has no gaps (the demo keeps working)")
    func developmentIsLenient() throws {
        #expect(try parse("").enforcementGaps().isEmpty)
    }

    @Test("production without database.url and redis.url names the ledger, four-eyes and rate, each with its off switch")
    func productionNamesEveryGap() throws {
        let gaps = try parse("environment: production").enforcementGaps()
        #expect(gaps.map(\.step) == ["debit", "four_eyes", "rate"])
        #expect(gaps.map(\.disableKey) == ["budget.enabled", "four_eyes.enabled", "rate.enabled"])
        #expect(gaps[0].description.contains("database.url is not set"))
    }

    @Test("ENVIRONMENT=production from the environment counts the same")
    func environmentVariable() throws {
        #expect(try parse("", environment: ["ENVIRONMENT": "production"]).enforcementGaps().count == 3)
    }

    @Test("turning a check off by name closes its gap; configuring its dependency closes it too")
    func optOutOrConfigure() throws {
        let off = try parse("""
            environment: production
            budget:
              enabled: false
            four_eyes:
              enabled: false
            """).enforcementGaps()
        #expect(off.map(\.step) == ["rate"])
        let configured = try parse("""
            environment: production
            database:
              url: postgres://u@127.0.0.1:5432/db
            redis:
              url: redis://127.0.0.1:6379/0
            """).enforcementGaps()
        #expect(configured.isEmpty)
    }

    @Test("require_enforcement lists other environments; a name outside it is lenient")
    func customList() throws {
        let staging = try parse("""
            environment: staging
            require_enforcement: [staging, production]
            """)
        #expect(staging.requireEnforcement == ["staging", "production"])
        #expect(staging.enforcementGaps().count == 3)
        #expect(try parse("environment: qa").enforcementGaps().isEmpty)
    }

    @Test("a bad require_enforcement entry is a typed error naming the key")
    func badEntry() {
        #expect(throws: ConfigError.self) { try parse("require_enforcement: [\"no spaces allowed\"]") }
    }
}
