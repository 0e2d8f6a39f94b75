import Contract
import Downshift
import GraphQLAnalysis
import HTTP
import Ports
import Synchronization

/// The downshift step (SPEC §12): at tier 0 it passes everything; above, the tier's policy
/// decides from each root field's class in the SDL (`@downshift`) — priority, tags, a
/// `hopsArg` value, an LLM mutation's tokens, a tenant new since the tier began — and a
/// refusal is `DOWNSHIFTED` (503, `Retry-After`, `extensions.tier`, `extensions.reason`).
/// A served request carries the tier's rate factor to the rate step and, from tier 2,
/// `X-Downshift-Tier` to the upstream. Only `/graphql` reaches the chain: health,
/// metrics and admin are never refused.
public struct DownshiftStep: AdmissionStep {
    public let name = "downshift"
    let gate: any DownshiftGate
    let classify: @Sendable (OperationKind, RootField) -> DownshiftField
    /// One in `sampleEvery` sampled requests is access-logged (tier 1's "sample access logs").
    let sampleEvery: Int
    private let sampled = SampleCounter()

    public init(gate: any DownshiftGate, sampleEvery: Int = 10, classify: @escaping @Sendable (OperationKind, RootField) -> DownshiftField) {
        self.gate = gate
        self.classify = classify
        self.sampleEvery = max(1, sampleEvery)
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        let tier = gate.tier
        guard tier != .normal, let operation = context.operation else { return .continue }
        let policy = gate.table[tier]
        var request = DownshiftRequest(
            isMutation: operation.kind == .mutation, fields: operation.rootFields.map { classify(operation.kind, $0) },
            estimatedTokens: context.estimate?.totalTokens ?? 0)
        if policy.protectNewTenants, request.priority > 0, let tenant = context.tenant {
            request.tenantKnownBeforeTier = await gate.tenantKnownBeforeTier(tenant)
        }
        let logSample = sampled.next() % sampleEvery == 0
        switch TierRules.decide(request, tier: tier, policy: policy, logSample: logSample) {
        case .refuse(let reason, let detail):
            gate.refused(tier: tier, reason: reason)
            let retry = gate.retryAfterSeconds
            return .reject(Rejection(
                .downshifted, "downshifted: \(detail); retry after \(retry) s",
                details: [("tier", .int(Int64(tier.rawValue))), ("tierName", .string(tier.name)), ("reason", .string(reason))],
                headers: [("Retry-After", String(retry))]))
        case .serve(let adjustments):
            context.rateFactorPerMille = adjustments.rateFactorPerMille
            context.accessLogged = adjustments.logged
            if let forwarded = adjustments.forwardTier {
                context.head.headers.remove(name: "X-Downshift-Tier")
                context.head.headers.add(name: "X-Downshift-Tier", value: String(forwarded))
            }
            return .continue
        }
    }
}

/// The access-log sample's counter, shared by every request through one step.
final class SampleCounter: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int { count.wrappingAdd(1, ordering: .relaxed).oldValue }
}
