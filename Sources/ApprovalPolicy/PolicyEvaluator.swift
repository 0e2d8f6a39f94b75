/// Decides whether an operation needs four eyes. The admission step holds one of these:
/// `InProcessPolicyEvaluator` by default, `RemotePolicyEvaluator` when `opa.url` is set.
public protocol PolicyEvaluator: Sendable {
    /// The decision for `input`. Throws only when a remote evaluator in `closed` fail mode
    /// could not get one (an `OPAError`); the caller answers 503.
    func evaluate(_ input: PolicyInput) async throws -> PolicyDecision
}

/// The rules in process (`ApprovalRules`); never throws.
public struct InProcessPolicyEvaluator: PolicyEvaluator {
    public init() {}

    public func evaluate(_ input: PolicyInput) async throws -> PolicyDecision {
        ApprovalRules.evaluate(input)
    }
}
