/// The whole gateway configuration: `safemut.yaml` with environment overrides (SPEC §7).
///
/// A plain value: load it once at start (and again on SIGHUP), validate everything up front,
/// and hand sections to the modules that need them. Durations are `Duration`s; the YAML keys
/// that set them end in `_ms` and take whole milliseconds. `describedSettings()` lists every
/// key with its effective value for a start-up log line.
public struct SafemutConfig: Sendable, Equatable {
    /// Where the gateway accepts client connections (`listen`, default `127.0.0.1:4000`).
    public var listen: HostPort
    public var upstream: UpstreamConfig
    public var server: ServerConfig
    public var log: LogConfig
    /// Deployment name (`environment`, env `ENVIRONMENT`, default `development`).
    public var environment: String
    /// Environments (`require_enforcement`, default `[production]`) where `serve` refuses to
    /// start unless the ledger, four-eyes and the rate limit are each configured or turned
    /// off by name (`budget.enabled`, `four_eyes.enabled`, `rate.enabled: false`).
    public var requireEnforcement: [String]
    public var persistedQueries: PersistedQueryConfig
    public var database: DatabaseConfig
    public var redis: RedisConfig
    public var promQL: PromQLConfig
    public var canary: CanaryConfig
    /// The canary cutover's `canary.*` keys (issue 15): upstream, stages, split, judge.
    public var cutover: CutoverConfig
    public var admin: AdminConfig
    public var schema: SchemaConfig
    public var identity: IdentityConfig
    public var analysis: AnalysisConfig
    public var budget: BudgetConfig
    public var workers: WorkersConfig
    public var fourEyes: FourEyesConfig
    public var opa: OPAConfig
    public var rate: RateLimitConfig
    public var finOps: FinOpsConfig
    public var policyBundle: PolicyBundleConfig
    public var downshift: DownshiftConfig
    public var chaos: ChaosConfig
    public var report: ReportConfig

    /// Every default; `cpuCount` sets `server.event_loops` (passed in so this stays pure).
    public init(cpuCount: Int) {
        listen = HostPort(host: "127.0.0.1", port: 4000)
        upstream = UpstreamConfig()
        server = ServerConfig(eventLoops: max(1, cpuCount))
        log = LogConfig()
        environment = "development"
        requireEnforcement = ["production"]
        persistedQueries = PersistedQueryConfig()
        database = DatabaseConfig()
        redis = RedisConfig()
        promQL = PromQLConfig()
        canary = CanaryConfig()
        cutover = CutoverConfig()
        admin = AdminConfig()
        schema = SchemaConfig()
        identity = IdentityConfig()
        analysis = AnalysisConfig()
        budget = BudgetConfig()
        workers = WorkersConfig()
        fourEyes = FourEyesConfig()
        opa = OPAConfig()
        rate = RateLimitConfig()
        finOps = FinOpsConfig()
        policyBundle = PolicyBundleConfig()
        downshift = DownshiftConfig()
        chaos = ChaosConfig()
        report = ReportConfig()
    }
}
