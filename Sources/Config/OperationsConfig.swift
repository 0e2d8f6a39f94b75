// Small sections for rollout and operator features.

/// Canary tenants and their escalation worker (`canary.*`).
public struct CanaryConfig: Sendable, Equatable {
    /// `canary.clean_days`, env `CANARY_CLEAN_DAYS`: clean days before escalation (default 7).
    public var cleanDays = 7
    /// `canary.escalation_dry_run`, env `CANARY_ESCALATION_DRY_RUN`: report, don't escalate.
    public var escalationDryRun = false

    public init() {}
}

/// Admin API access (`admin.*`).
public struct AdminConfig: Sendable, Equatable {
    /// `admin.loopback_operator`: requests from 127.0.0.1/::1 act as an operator without a token.
    /// For the demo only; default false.
    public var loopbackOperator = false
    /// `admin.loopback_allowed_origins`: page origins (`http(s)://host[:port]`) whose calls may
    /// still be that operator. Default none: a call carrying any `Origin` is refused (CSRF).
    public var loopbackAllowedOrigins: [String] = []
    /// `admin.ui_key_file`: the key the web UI signs its CSRF tokens with. Every replica behind
    /// one load balancer needs the same file; unset, each process draws its own at start.
    public var uiKeyFile: String?

    public init() {}
}

/// The upstream's GraphQL schema (`schema.*`).
public struct SchemaConfig: Sendable, Equatable {
    /// `schema.path`: SDL file for the linter and `@budget` checks.
    public var path: String?

    public init(path: String? = nil) {
        self.path = path
    }
}
