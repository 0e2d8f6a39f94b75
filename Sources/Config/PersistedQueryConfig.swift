/// The persisted-query allowlist step (`pq.*`, SPEC §2).
public struct PersistedQueryConfig: Sendable, Equatable {
    /// `pq.phase`, env `PQ_PHASE` (default `off`).
    public var phase: PersistedQueryPhase = .off
    /// `pq.bypass`, env `PQ_BYPASS`: skip the allowlist entirely (smoke tests, incidents).
    public var bypass = false
    /// `pq.introspection`, env `PQ_INTROSPECTION`: allow `__schema`/`__type` (default true).
    public var introspection = true
    /// `pq.require_signature`: a manifest loads only with a valid detached signature.
    public var requireSignature = false
    /// `pq.hmac_key_file`: shared key for HMAC-SHA256 manifest signatures.
    public var hmacKeyFile: String?
    /// `pq.ed25519_public_key_path`: PEM public key for Ed25519 manifest signatures.
    public var ed25519PublicKeyPath: String?

    public init() {}
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
