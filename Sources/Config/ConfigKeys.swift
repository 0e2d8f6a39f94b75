// Every key safemut.yaml accepts, in the order examples/safemut.yaml lists them,
// with the environment variables the runbooks use (SPEC §7). A key missing here
// is an "unknown key" error; a key here must be documented in the example file.

extension SafemutConfig {
    static var keys: [ConfigKey] {
        [
            ConfigKey("listen", \.listen, .hostPort),
            ConfigKey("environment", env: "ENVIRONMENT", \.environment, .name),
            ConfigKey("require_enforcement", list: \.requireEnforcement, .nameList),

            ConfigKey("upstream.url", env: "UPSTREAM_URL", \.upstream.url, .httpEndpoint),
            ConfigKey("upstream.pool_size", \.upstream.poolSize, .integer(0...100_000)),
            ConfigKey("upstream.connect_timeout_ms", \.upstream.connectTimeout, .milliseconds),
            ConfigKey("upstream.read_timeout_ms", \.upstream.readTimeout, .milliseconds),
            ConfigKey("upstream.max_connections", \.upstream.maxConnections, .integer(1...1_000_000)),

            ConfigKey("server.event_loops", \.server.eventLoops, .integer(1...1_024)),
            ConfigKey("server.max_connections", \.server.maxConnections, .integer(1...10_000_000)),
            ConfigKey("server.max_request_line_bytes", \.server.maxRequestLineBytes, .positiveInteger),
            ConfigKey("server.max_header_bytes", \.server.maxHeaderBytes, .positiveInteger),
            ConfigKey("server.max_header_count", \.server.maxHeaderCount, .positiveInteger),
            ConfigKey("server.max_body_bytes", \.server.maxBodyBytes, .positiveInteger),
            ConfigKey("server.max_inflated_body_bytes", \.server.maxInflatedBodyBytes, .positiveInteger),
            ConfigKey("server.header_timeout_ms", \.server.headerTimeout, .milliseconds),
            ConfigKey("server.body_idle_timeout_ms", \.server.bodyIdleTimeout, .milliseconds),
            ConfigKey("server.keepalive_timeout_ms", \.server.keepaliveTimeout, .milliseconds),
            ConfigKey("server.write_timeout_ms", \.server.writeTimeout, .milliseconds),
            ConfigKey("server.drain_timeout_ms", \.server.drainTimeout, .milliseconds),

            ConfigKey("log.level", \.log.level, .oneOf),
            ConfigKey("log.format", \.log.format, .oneOf),

            ConfigKey("pq.phase", env: "PQ_PHASE", \.persistedQueries.phase, .oneOf),
            ConfigKey("pq.bypass", env: "PQ_BYPASS", \.persistedQueries.bypass, .boolean),
            ConfigKey("pq.introspection", env: "PQ_INTROSPECTION", \.persistedQueries.introspection, .boolean),
            ConfigKey("pq.introspection_in_enforce", \.persistedQueries.introspectionInEnforce, .oneOf),
            ConfigKey("pq.apq.enabled", \.persistedQueries.apqEnabled, .boolean),
            ConfigKey("pq.apq.ttl_ms", \.persistedQueries.apqTTL, .milliseconds),
            ConfigKey("pq.apq.max_entries", \.persistedQueries.apqMaxEntries, .integer(1...10_000_000)),
            ConfigKey("pq.apq.local_entries", \.persistedQueries.apqLocalEntries, .integer(0...10_000_000)),
            ConfigKey("pq.apq.timeout_ms", \.persistedQueries.apqTimeout, .milliseconds),
            ConfigKey("pq.require_signature", \.persistedQueries.requireSignature, .boolean),
            ConfigKey("pq.hmac_key_file", \.persistedQueries.hmacKeyFile, .path),
            ConfigKey("pq.ed25519_public_key_path", \.persistedQueries.ed25519PublicKeyPath, .path),

            ConfigKey("database.url", env: "DATABASE_URL", \.database.url,
                      .url(schemes: ["postgres", "postgresql"], example: "postgres://user:password@127.0.0.1:5432/safemut")),
            ConfigKey("redis.url", env: "REDIS_URL", \.redis.url,
                      .url(schemes: ["redis"], example: "redis://127.0.0.1:6379/0")),
            ConfigKey("promql.url", env: "PROMQL_URL", \.promQL.url,
                      .url(schemes: ["http", "https"], example: "http://127.0.0.1:9090")),

            ConfigKey("canary.clean_days", env: "CANARY_CLEAN_DAYS", \.canary.cleanDays, .integer(0...3_650)),
            ConfigKey("canary.escalation_dry_run", env: "CANARY_ESCALATION_DRY_RUN", \.canary.escalationDryRun, .boolean),

            ConfigKey("admin.loopback_operator", \.admin.loopbackOperator, .boolean),
            ConfigKey("admin.loopback_allowed_origins", list: \.admin.loopbackAllowedOrigins, .originList),

            ConfigKey("schema.path", \.schema.path, .path),

            ConfigKey("identity.mode", \.identity.mode, .oneOf),
            ConfigKey("identity.hs256_secret_file", \.identity.hs256SecretFile, .path),
            ConfigKey("identity.jwks_path", \.identity.jwksPath, .path),
            ConfigKey("identity.issuer", \.identity.issuer, .text),
            ConfigKey("identity.audience", \.identity.audience, .text),
            ConfigKey("identity.clock_skew_ms", \.identity.clockSkew, .milliseconds),
            ConfigKey("identity.default_user", \.identity.defaultUser, .name),

            ConfigKey("analysis.max_depth", \.analysis.maxDepth, .integer(1...128)),
            ConfigKey("analysis.max_aliases", \.analysis.maxAliases, .integer(0...100_000)),
            ConfigKey("analysis.max_root_fields", \.analysis.maxRootFields, .integer(1...10_000)),
            ConfigKey("analysis.max_document_bytes", \.analysis.maxDocumentBytes, .positiveInteger),
            ConfigKey("analysis.parse_cache_entries", \.analysis.parseCacheEntries, .integer(0...10_000_000)),

            ConfigKey("budget.enabled", \.budget.enabled, .boolean),
            ConfigKey("budget.fail_mode", env: "BUDGET_FAIL_MODE", \.budget.failMode, .oneOf),
            ConfigKey("budget.reservation_ttl_ms", \.budget.reservationTTL, .milliseconds),
            ConfigKey("budget.statement_timeout_ms", \.budget.statementTimeout, .milliseconds),

            ConfigKey("workers.enabled", \.workers.enabled, .boolean),
            ConfigKey("workers.reconcile_interval_ms", \.workers.reconcileInterval, .milliseconds),
            ConfigKey("workers.escalation_interval_ms", \.workers.escalationInterval, .milliseconds),

            ConfigKey("four_eyes.enabled", \.fourEyes.enabled, .boolean),
            ConfigKey("four_eyes.approval_ttl_ms", \.fourEyes.approvalTTL, .milliseconds),
            ConfigKey("four_eyes.fail_mode", \.fourEyes.failMode, .oneOf),

            ConfigKey("opa.url", env: "OPA_URL", \.opa.url, .url(schemes: ["http"], example: "http://127.0.0.1:8181")),
            ConfigKey("opa.timeout_ms", \.opa.timeout, .milliseconds),
            ConfigKey("opa.fail_mode", \.opa.failMode, .oneOf),

            ConfigKey("rate.enabled", \.rate.enabled, .boolean),
            ConfigKey("rate.fail_mode", env: "RATE_FAIL_MODE", \.rate.failMode, .oneOf),
            ConfigKey("rate.timeout_ms", \.rate.timeout, .milliseconds),
            ConfigKey("rate.classes.default.tenant_per_second", \.rate.defaultClass.tenantPerSecond, .tokenRate),
            ConfigKey("rate.classes.default.tenant_burst", \.rate.defaultClass.tenantBurst, .burst),
            ConfigKey("rate.classes.default.operation_per_second", \.rate.defaultClass.operationPerSecond, .tokenRate),
            ConfigKey("rate.classes.default.operation_burst", \.rate.defaultClass.operationBurst, .burst),
            ConfigKey("rate.classes.canary.tenant_per_second", \.rate.canaryClass.tenantPerSecond, .tokenRate),
            ConfigKey("rate.classes.canary.tenant_burst", \.rate.canaryClass.tenantBurst, .burst),
            ConfigKey("rate.classes.canary.operation_per_second", \.rate.canaryClass.operationPerSecond, .tokenRate),
            ConfigKey("rate.classes.canary.operation_burst", \.rate.canaryClass.operationBurst, .burst),
            ConfigKey("rate.tenants.*.tenant_per_second", tenantMap: \.rate.tenants, empty: RateLimitOverride(), \.tenantPerSecond, .tokenRate),
            ConfigKey("rate.tenants.*.tenant_burst", tenantMap: \.rate.tenants, empty: RateLimitOverride(), \.tenantBurst, .burst),
            ConfigKey("rate.tenants.*.operation_per_second", tenantMap: \.rate.tenants, empty: RateLimitOverride(), \.operationPerSecond, .tokenRate),
            ConfigKey("rate.tenants.*.operation_burst", tenantMap: \.rate.tenants, empty: RateLimitOverride(), \.operationBurst, .burst),
            ConfigKey("rate.canary_tenants", env: "RATE_CANARY_TENANTS", list: \.rate.canaryTenants, .tenantList),
        ]
    }
}
