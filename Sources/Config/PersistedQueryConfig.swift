/// The persisted-query allowlist step (`pq.*`, SPEC §2).
public struct PersistedQueryConfig: Sendable, Equatable {
    /// `pq.phase`, env `PQ_PHASE` (default `off`).
    public var phase: PersistedQueryPhase = .off
    /// `pq.bypass`, env `PQ_BYPASS`: skip the allowlist entirely (smoke tests, incidents).
    public var bypass = false
    /// `pq.introspection`, env `PQ_INTROSPECTION`: allow `__schema`/`__type` (default true).
    public var introspection = true
    /// `pq.introspection_in_enforce`: `refuse` (default: in `enforce` an introspection
    /// document must be listed like any other) or `allow` (tooling may introspect unlisted).
    public var introspectionInEnforce: IntrospectionInEnforce = .refuse
    /// `pq.apq.enabled`: register Apollo APQ hashes sent with their bodies and serve later
    /// hash-only requests from them (phases off/log and bypass only; needs `redis.url`).
    public var apqEnabled = true
    /// `pq.apq.ttl_ms`: how long a registration lives after its last registration or use.
    public var apqTTL: Duration = .seconds(86_400)
    /// `pq.apq.max_entries`: registrations kept in Redis; past it the oldest are dropped.
    public var apqMaxEntries = 10_000
    /// `pq.apq.timeout_ms`: longest wait for Redis on a hash-only request (then NOT_FOUND).
    public var apqTimeout: Duration = .milliseconds(50)
    /// `pq.apq.local_entries`: registrations each replica also keeps in memory.
    public var apqLocalEntries = 1_024
    /// `pq.require_signature`: a manifest loads only with a valid detached signature.
    public var requireSignature = false
    /// `pq.hmac_key_file`: shared key for HMAC-SHA256 manifest signatures.
    public var hmacKeyFile: String?
    /// `pq.ed25519_public_key_path`: PEM public key for Ed25519 manifest signatures.
    public var ed25519PublicKeyPath: String?

    public init() {}
}

/// Whether `enforce` lets an unlisted introspection document through.
public enum IntrospectionInEnforce: String, Sendable, Equatable, CaseIterable {
    case refuse, allow
}

/// How the allowlist treats a document that is not on it.
public enum PersistedQueryPhase: String, Sendable, Equatable, CaseIterable {
    /// Not checked.
    case off
    /// Allowed, but logged and counted as a violation.
    case log
    /// Rejected with `PERSISTED_QUERY_NOT_ALLOWED`.
    case enforce
}
