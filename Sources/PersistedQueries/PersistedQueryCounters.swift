import Synchronization

/// Counts of what the gate decided since start, for `/metrics`
/// (`persisted_query_violations_total{phase}` and friends).
public struct PersistedQueryCounters: Sendable, Hashable {
    /// Requests checked.
    public var checks: UInt64
    /// Requests allowed because they were on the allowlist.
    public var hits: UInt64
    /// Allowed, by reason (`listed` equals `hits`).
    public var allowed: [PersistedQueryAllowance: UInt64]
    /// Violations by effective phase (`log` let through, `enforce` refused).
    public var violations: [AllowlistPhase: UInt64]
    /// Refusals by code.
    public var rejections: [PersistedQueryRejectCode: UInt64]
}

/// The atomic cells behind `PersistedQueryCounters`; one relaxed add per decision.
/// (`Atomic` is not copyable, so the cells are named fields rather than arrays.)
final class PersistedQueryCounterCells: Sendable {
    private let checks = Atomic<UInt64>(0)
    private let allowedListed = Atomic<UInt64>(0)
    private let allowedBypass = Atomic<UInt64>(0)
    private let allowedPhaseOff = Atomic<UInt64>(0)
    private let allowedIntrospection = Atomic<UInt64>(0)
    private let violationsLog = Atomic<UInt64>(0)
    private let violationsEnforce = Atomic<UInt64>(0)
    private let rejectedNotFound = Atomic<UInt64>(0)
    private let rejectedNotAllowed = Atomic<UInt64>(0)
    private let rejectedBadRequest = Atomic<UInt64>(0)
    private let rejectedIntrospection = Atomic<UInt64>(0)

    func count(_ decision: PersistedQueryDecision) {
        checks.add(1, ordering: .relaxed)
        switch decision {
        case .allow(let reason):
            switch reason {
            case .listed: allowedListed.add(1, ordering: .relaxed)
            case .bypass: allowedBypass.add(1, ordering: .relaxed)
            case .phaseOff: allowedPhaseOff.add(1, ordering: .relaxed)
            case .introspection: allowedIntrospection.add(1, ordering: .relaxed)
            }
        case .allowLogged(let violation):
            countViolation(violation.phase)
        case .reject(let code, _, let violation):
            switch code {
            case .notFound: rejectedNotFound.add(1, ordering: .relaxed)
            case .notAllowed: rejectedNotAllowed.add(1, ordering: .relaxed)
            case .badRequest: rejectedBadRequest.add(1, ordering: .relaxed)
            case .introspectionDisabled: rejectedIntrospection.add(1, ordering: .relaxed)
            }
            if let violation { countViolation(violation.phase) }
        }
    }

    private func countViolation(_ phase: AllowlistPhase) {
        switch phase {
        case .off: break  // the policy never reports a violation in phase off
        case .log: violationsLog.add(1, ordering: .relaxed)
        case .enforce: violationsEnforce.add(1, ordering: .relaxed)
        }
    }

    func snapshot() -> PersistedQueryCounters {
        let listed = allowedListed.load(ordering: .relaxed)
        return PersistedQueryCounters(
            checks: checks.load(ordering: .relaxed),
            hits: listed,
            allowed: [
                .listed: listed,
                .bypass: allowedBypass.load(ordering: .relaxed),
                .phaseOff: allowedPhaseOff.load(ordering: .relaxed),
                .introspection: allowedIntrospection.load(ordering: .relaxed),
            ],
            violations: [
                .off: 0,
                .log: violationsLog.load(ordering: .relaxed),
                .enforce: violationsEnforce.load(ordering: .relaxed),
            ],
            rejections: [
                .notFound: rejectedNotFound.load(ordering: .relaxed),
                .notAllowed: rejectedNotAllowed.load(ordering: .relaxed),
                .badRequest: rejectedBadRequest.load(ordering: .relaxed),
                .introspectionDisabled: rejectedIntrospection.load(ordering: .relaxed),
            ])
    }
}
