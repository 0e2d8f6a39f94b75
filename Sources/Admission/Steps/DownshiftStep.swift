import ApprovalPolicy
import Contract
import Downshift
import GraphQLAnalysis
import HTTP
import Ports
import ResponseCache
import Synchronization

/// The downshift step (SPEC §12): at tier 0 it passes everything; above, the tier's policy
/// decides from each root field's class in the SDL (`@downshift`) — priority, tags, a
/// `hopsArg` value, an LLM mutation's tokens, a tenant new since the tier began — and a
/// refusal is `DOWNSHIFTED` (503, `Retry-After`, `extensions.tier`, `extensions.reason`).
/// A served request carries the tier's rate factor to the rate step and, from tier 2,
/// `X-Downshift-Tier` to the upstream. Only `/graphql` reaches the chain: health,
/// metrics and admin are never refused.
///
/// The response cache (SPEC §12) lives here too, because tier 3 needs its answer: a query
/// whose every root field is `@cacheable` is answered from the cache at any tier when the
/// tenant, document and variables match (unless the client sent `Cache-Control: no-cache`),
/// and a miss is stored after the upstream answers, for the smallest field TTL.
public struct DownshiftStep: AdmissionStep {
    public let name = "downshift"
    let gate: any DownshiftGate
    let classify: @Sendable (OperationKind, RootField) -> DownshiftField
    /// Each root field's `@cacheable` TTL (nil: not cacheable).
    let cacheTTL: @Sendable (RootField) -> Int?
    let cache: ResponseCache?
    /// One in `sampleEvery` sampled requests is access-logged (tier 1's "sample access logs").
    let sampleEvery: Int
    private let sampled = SampleCounter()

    public init(
        gate: any DownshiftGate, cache: ResponseCache? = nil, sampleEvery: Int = 10,
        classify: @escaping @Sendable (OperationKind, RootField) -> DownshiftField,
        cacheTTL: @escaping @Sendable (RootField) -> Int? = { _ in nil }
    ) {
        self.gate = gate
        self.cache = cache
        self.classify = classify
        self.cacheTTL = cacheTTL
        self.sampleEvery = max(1, sampleEvery)
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation else { return .continue }
        let tier = gate.tier
        let cached = cacheLookup(&context, operation)
        guard tier != .normal else {
            if let cached { return .answer(cached) }
            return .continue
        }
        let policy = gate.table[tier]
        var request = DownshiftRequest(
            isMutation: operation.kind == .mutation, fields: operation.rootFields.map { classify(operation.kind, $0) },
            estimatedTokens: context.estimate?.totalTokens ?? 0, cached: cached != nil)
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
            if let cached { return .answer(cached) }
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

extension DownshiftStep {
    /// The cached answer for a query whose root fields are all `@cacheable`; on a miss,
    /// a completion that stores the upstream's answer. nil: not cacheable, or a miss.
    func cacheLookup(_ context: inout RequestContext, _ operation: OperationAnalysis) -> StoredAnswer? {
        guard let cache, operation.kind == .query, let first = operation.rootFields.first, cacheTTL(first) != nil,
              let tenant = context.tenant else { return nil }
        var ttl = Int.max
        for field in operation.rootFields {
            guard let seconds = cacheTTL(field) else { return nil }
            ttl = min(ttl, seconds)
        }
        let key = CacheKey(
            tenant: tenant, documentHash: operation.documentHash, variablesHash: VariablesHash.of(context.graphQLRequest?.variables),
            operationName: context.graphQLRequest?.operationName)
        let bypass = context.head.headers.values(for: "Cache-Control").contains { $0.lowercased().contains("no-cache") }
        if !bypass, let hit = cache.lookup(key) {
            var headers = hit.headers.map { ($0.name, $0.value) }
            headers.append(("X-Cache", "HIT"))
            return StoredAnswer(status: hit.status, headers: headers, body: hit.body)
        }
        context.onCompletion(CacheFill(cache: cache, key: key, ttlSeconds: ttl))
        return nil
    }
}

/// Stores a forwarded cacheable query's answer (200, no GraphQL errors, what the
/// upstream's `Cache-Control` allows: the cache decides).
struct CacheFill: StepCompletion {
    let cache: ResponseCache
    let key: CacheKey
    let ttlSeconds: Int

    var needsResponseBody: Bool { true }

    func finished(_ ending: ForwardEnding) {
        guard case .answered(let status, let body?, let headers) = ending else { return }
        cache.store(key, status: status, headers: headers, body: body, ttlSeconds: ttlSeconds, hasErrors: GraphQLResponseErrors.present(in: body))
    }
}

/// The access-log sample's counter, shared by every request through one step.
final class SampleCounter: Sendable {
    private let count = Atomic<Int>(0)

    func next() -> Int { count.wrappingAdd(1, ordering: .relaxed).oldValue }
}
