/// What a remote evaluator does when OPA gives no decision (`opa.fail_mode`).
public enum OPAFailMode: String, Sendable, CaseIterable {
    /// Throw the `OPAError`: the caller refuses the request (503).
    case closed
    /// Decide with the in-process rules instead (the same policy, proven equal by the
    /// conformance table), so an OPA outage costs at most one timeout per decision.
    case open
}

/// Asks the external OPA; on failure, throws or falls back per `failMode`.
public struct RemotePolicyEvaluator: PolicyEvaluator {
    public let client: OPAClient
    public let failMode: OPAFailMode
    /// Called with every OPA failure, in both modes (for a metric and a log line).
    public let onFailure: @Sendable (OPAError) -> Void

    public init(client: OPAClient, failMode: OPAFailMode, onFailure: @escaping @Sendable (OPAError) -> Void = { _ in }) {
        self.client = client
        self.failMode = failMode
        self.onFailure = onFailure
    }

    public func evaluate(_ input: PolicyInput) async throws -> PolicyDecision {
        do {
            return try await client.evaluate(input)
        } catch {
            onFailure(error)
            switch failMode {
            case .closed: throw error
            case .open: return ApprovalRules.evaluate(input)
            }
        }
    }
}
