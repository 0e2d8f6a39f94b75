/// Who is calling (`identity.*`, SPEC §2 Identify).
public struct IdentityConfig: Sendable, Equatable {
    /// `identity.mode`: `jwt` (Bearer tokens, the default) or `headers`
    /// (trust `X-Tenant`, `X-User-Id`, `X-Roles` from an authenticating proxy; the demo).
    public var mode: IdentityMode = .jwt
    /// `identity.hs256_secret_file`: file holding the HS256 shared secret.
    public var hs256SecretFile: String?
    /// `identity.jwks_path`: JWKS file with the RS256/ES256 public keys (reloaded on SIGHUP).
    public var jwksPath: String?
    /// `identity.issuer`: required `iss`, when set.
    public var issuer: String?
    /// `identity.audience`: required `aud`, when set.
    public var audience: String?
    /// `identity.clock_skew_ms`: tolerance for `exp`/`nbf` (default 60 s).
    public var clockSkew: Duration = .seconds(60)
    /// `identity.default_user`: in `headers` mode, the user of a request that
    /// sends `X-Tenant` but no `X-User-Id` (the runbooks' curl commands).
    public var defaultUser: String?

    public init() {}
}

/// How requests are identified.
public enum IdentityMode: String, Sendable, Equatable, CaseIterable {
    case jwt, headers
}

/// Limits on GraphQL documents (`analysis.*`).
public struct AnalysisConfig: Sendable, Equatable {
    /// `analysis.max_depth`: deepest selection nesting (default 15).
    public var maxDepth = 15
    /// `analysis.max_aliases`: aliases in one document (default 100).
    public var maxAliases = 100
    /// `analysis.max_root_fields`: root fields in one operation (default 50).
    public var maxRootFields = 50
    /// `analysis.max_document_bytes`: size of the `query` text (default 256 KiB).
    public var maxDocumentBytes = 262_144
    /// `analysis.parse_cache_entries`: parsed documents kept, by SHA-256 (default 1024).
    public var parseCacheEntries = 1_024

    public init() {}
}
