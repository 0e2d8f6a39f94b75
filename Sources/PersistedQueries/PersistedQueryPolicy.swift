/// The allowlist rules as a pure value: phase, bypass, introspection and per-tenant phases
/// in, a decision out. `PersistedQueryGate` holds the live one and counts what it decides.
public struct PersistedQueryPolicy: Sendable, Hashable {
    /// The phase for tenants without their own (`PQ_PHASE`).
    public var phase: AllowlistPhase
    /// Skip the allowlist entirely (`PQ_BYPASS`). Introspection is still refused when off.
    public var bypass: Bool
    /// Allow `__schema`/`__type` (`PQ_INTROSPECTION`); when false they are refused in every phase.
    public var introspectionAllowed: Bool
    /// Phases for single tenants, e.g. canaries in `enforce` while the rest `log`.
    public var tenantPhases: [String: AllowlistPhase]
    /// `pq.introspection_in_enforce: allow`: an unlisted introspection document passes in
    /// `enforce` (for teams whose tooling must introspect a locked-down gateway). Off by
    /// default: like Apollo's safelist, `enforce` refuses every unlisted operation.
    public var introspectionInEnforce: Bool

    public init(
        phase: AllowlistPhase = .off,
        bypass: Bool = false,
        introspectionAllowed: Bool = true,
        tenantPhases: [String: AllowlistPhase] = [:],
        introspectionInEnforce: Bool = false
    ) {
        self.phase = phase
        self.bypass = bypass
        self.introspectionAllowed = introspectionAllowed
        self.tenantPhases = tenantPhases
        self.introspectionInEnforce = introspectionInEnforce
    }

    /// Whether `tenant`'s documents would be admitted whatever the allowlist says (bypass,
    /// `off`, `log`): only then may a hash-only APQ request be served from the APQ
    /// registration cache, and a hash sent with its body be registered there. In `enforce`
    /// the registry is never consulted: registration must not become a way onto the list.
    public func servesRegisteredAPQ(tenant: String?) -> Bool {
        bypass || phase(for: tenant) != .enforce
    }

    /// The phase that applies to `tenant`.
    public func phase(for tenant: String?) -> AllowlistPhase {
        tenant.flatMap { tenantPhases[$0] } ?? phase
    }

    /// Decides one request. `isAllowlisted` is asked only when the answer matters (not under
    /// bypass, phase `off`, or for a request refused earlier), so a caller can compute the
    /// normalized hash lazily inside it.
    ///
    /// Order: a malformed APQ request is refused whatever the phase (the hash must name the body;
    /// a hash alone must be known); then introspection, which `PQ_INTROSPECTION=0` refuses in
    /// every phase and under bypass; then bypass; then the tenant's phase. A pure
    /// introspection document passes unlisted in `log`; in `enforce` it must be listed like
    /// any other unless `introspectionInEnforce`.
    public func decide(_ request: PersistedQueryRequest, isAllowlisted: () -> Bool) -> PersistedQueryDecision {
        if request.apqHashMatchesBody == false {
            return .reject(code: .badRequest, message: "provided sha256Hash does not match query", violation: nil)
        }
        guard let hash = request.exactHash else {
            if request.apqHash != nil {
                // Apollo clients recognise this exact message and retry with the full query.
                return .reject(code: .notFound, message: "PersistedQueryNotFound", violation: nil)
            }
            return .reject(code: .badRequest, message: "request has neither a query nor a persisted query hash", violation: nil)
        }
        if request.introspection != .none && !introspectionAllowed {
            return .reject(code: .introspectionDisabled, message: "introspection is disabled", violation: nil)
        }
        if bypass { return .allow(.bypass) }
        let effective = phase(for: request.tenant)
        if effective == .off { return .allow(.phaseOff) }
        if request.introspection == .only && (effective == .log || introspectionInEnforce) {
            return .allow(.introspection)
        }
        if isAllowlisted() { return .allow(.listed) }
        let violation = PersistedQueryViolation(
            tenant: request.tenant, hash: hash, operationName: request.operationName, phase: effective)
        if effective == .log { return .allowLogged(violation) }
        return .reject(code: .notAllowed, message: "operation is not on the persisted query allowlist", violation: violation)
    }
}
