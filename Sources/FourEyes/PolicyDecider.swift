import ApprovalPolicy
import Logging

/// Who decides whether a mutation needs four eyes: the in-process rules (the same rules as
/// `policies/approval.rego`, proven equal by the conformance test), or an external OPA
/// when `opa.url` is set. Every decision is timed into `opa_decision_duration_seconds`.
public struct PolicyDecider: Sendable {
    /// The external OPA, when configured.
    let remote: (any PolicyEvaluator)?
    /// `opa.fail_mode: open`: an OPA that cannot answer is replaced by the in-process rules
    /// (the same policy, so "open" never means "no four-eyes"); `closed`: the mutation is
    /// refused with 503.
    let fallBackToLocal: Bool
    let metrics: FourEyesMetrics
    let logger: Logger

    public init(remote: (any PolicyEvaluator)?, fallBackToLocal: Bool, metrics: FourEyesMetrics, logger: Logger) {
        self.remote = remote
        self.fallBackToLocal = fallBackToLocal
        self.metrics = metrics
        self.logger = logger
    }

    public struct Unavailable: Error, Sendable {
        public let message: String
    }

    public func decide(_ input: PolicyInput) async throws(Unavailable) -> PolicyDecision {
        let clock = ContinuousClock()
        if let remote {
            let start = clock.now
            do {
                let decision = try await remote.evaluate(input)
                metrics.policyDecision(source: "remote", took: clock.now - start)
                return decision
            } catch {
                metrics.policyDecision(source: "remote", took: clock.now - start)
                metrics.error(kind: "opa")
                logger.error("external OPA did not decide", metadata: [
                    "error": "\(error)", "opa.fail_mode": "\(fallBackToLocal ? "open" : "closed")",
                ])
                guard fallBackToLocal else {
                    throw Unavailable(message: "the four-eyes policy service (opa.url) did not answer: \(error)")
                }
            }
        }
        let start = clock.now
        let decision = ApprovalRules.evaluate(input)
        metrics.policyDecision(source: "in_process", took: clock.now - start)
        return decision
    }
}
