/// The outcome of the allowlist check for one request.
public enum PersistedQueryDecision: Sendable, Hashable {
    /// Let it through; the reason says why (for counters).
    case allow(PersistedQueryAllowance)
    /// Let it through, but it is a violation (phase `log`): count and log it.
    case allowLogged(PersistedQueryViolation)
    /// Refuse it; `violation` is set when the refusal is an allowlist violation (phase `enforce`).
    case reject(code: PersistedQueryRejectCode, message: String, violation: PersistedQueryViolation?)
}

/// Why a request was allowed.
public enum PersistedQueryAllowance: String, Sendable, Hashable, CaseIterable {
    /// The document (exact or normalized hash) is on the allowlist.
    case listed
    /// `PQ_BYPASS` is on.
    case bypass
    /// The effective phase is `off`.
    case phaseOff
    /// A pure introspection query while introspection is allowed.
    case introspection
}

/// The client-facing codes this check can answer with (SPEC §1), with their HTTP status.
public enum PersistedQueryRejectCode: String, Sendable, Hashable, CaseIterable {
    /// APQ hash without a body, and the hash is unknown; Apollo clients then resend with the body.
    case notFound = "PERSISTED_QUERY_NOT_FOUND"
    /// Phase `enforce` and the document is not on the allowlist.
    case notAllowed = "PERSISTED_QUERY_NOT_ALLOWED"
    /// The APQ hash does not match the body, or there is neither body nor hash.
    case badRequest = "BAD_REQUEST"
    /// `__schema`/`__type` while `PQ_INTROSPECTION=0`.
    case introspectionDisabled = "INTROSPECTION_DISABLED"

    /// The HTTP status SPEC §1 gives the code.
    public var status: Int {
        switch self {
        case .notFound: return 200
        case .notAllowed, .introspectionDisabled: return 403
        case .badRequest: return 400
        }
    }
}

/// A document that was not on the allowlist while the phase was `log` or `enforce`.
public struct PersistedQueryViolation: Sendable, Hashable {
    public var tenant: String?
    /// The document's exact SHA-256.
    public var hash: String
    public var operationName: String?
    /// The effective phase (the tenant's own when it has one).
    public var phase: AllowlistPhase

    public init(tenant: String?, hash: String, operationName: String?, phase: AllowlistPhase) {
        self.tenant = tenant
        self.hash = hash
        self.operationName = operationName
        self.phase = phase
    }
}
