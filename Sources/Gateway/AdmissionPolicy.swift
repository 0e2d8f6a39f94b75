import Contract
import Admission
import GraphQLAnalysis
import Identity
import PersistedQueries
import Ports
import ResponseCache

/// The whole admission policy, top to bottom: which steps run, in which order, and what
/// each does when its dependency fails. `ConfiguredPipeline` reads the configuration and
/// builds the parts; this file is where a reader sees the policy (SPEC §1–2).
///
/// Queries stop after `declare` (it passes them); mutations go on. The first refusal wins,
/// and a refusal gives back what earlier steps took (an approval; see `AdmissionPipeline`).
enum AdmissionPolicy {
    static func pipeline(
        authenticator: Authenticator, cache: DocumentCache, limits: AnalysisLimits, allowlist: any AllowlistLookup,
        gate: PersistedQueryGate, catalog: BudgetCatalog, downshift: (any DownshiftGate, DownshiftClassifier, ResponseCache?)?,
        canary: (any CanaryRouting)?, fourEyes: FourEyesStep?, rateLimiter: (any RateCheck)?, ledger: (any ReservationStore)?
    ) -> AdmissionPipeline {
        // Apollo APQ: a hash the allowlist does not hold is looked up among registrations,
        // only where the document would pass anyway (off, log, bypass; never enforce).
        var registered: (@Sendable (String, String?) async -> String?)?
        if gate.apq != nil {
            registered = { @Sendable hash, tenant in await gate.registeredBody(forAPQHash: hash, tenant: tenant) }
        }
        var steps: [any AdmissionStep] = [
            // 1 identify: JWT (identity.mode: jwt) or trusted headers; no fail mode (no I/O).
            IdentifyStep(authenticator: authenticator),
            // 2 parse: the document (parse cache), the operation, depth/alias/size limits.
            ParseStep(cache: cache, limits: limits, persistedBody: { allowlist.body(forHash: $0) }, registeredBody: registered),
            // 3 persisted: pq.phase off | log | enforce, PQ_BYPASS, PQ_INTROSPECTION; in memory.
            PersistedQueryStep(allowlist: gate),
            // 4 declare: every mutation root field has @budget; the estimate.
            BudgetDeclarationStep(catalog: catalog),
        ]
        // 4¼ downshift (database.url): at tier 0 nothing; above, the tier's policy by each root
        //   field's @downshift class (priority, tags, hops, LLM tokens, new tenants). No I/O but
        //   tier 5's "active before the tier" (the ledger, once per tenant and tier).
        //   @cacheable queries are answered from the response cache at any tier.
        if let (gate, classifier, cache) = downshift {
            steps.append(DownshiftStep(gate: gate, cache: cache, classify: classifier.classify, cacheTTL: classifier.cacheTTL))
        }
        // 4½ canary (canary.upstream.url, database.url): while a cutover routes traffic, the
        //   tenant's sticky arm (or X-Canary for canary.force_roles), judged when it ends.
        //   No I/O: Postgres or Redis gone keeps the last known weight.
        if let canary { steps.append(CanaryStep(routing: canary)) }
        // 5 four-eyes (four_eyes.enabled): risk tags, > $5, > 50k tokens, another tenant.
        //   Postgres down: four_eyes.fail_mode (closed: 503); OPA down: opa.fail_mode.
        if let fourEyes { steps.append(fourEyes) }
        // 6 rate (rate.enabled, redis.url): tenant and per-root-field token buckets.
        //   Redis down or slow past rate.timeout_ms: rate.fail_mode (open by default).
        if let rateLimiter { steps.append(RateLimitStep(limiter: rateLimiter)) }
        // 7 debit (budget.enabled, database.url): the ledger reservation; settled or
        //   released after the upstream answers. Postgres down: budget.fail_mode (closed: 503).
        if let ledger { steps.append(LedgerStep(ledger: ledger)) }
        return AdmissionPipeline(steps)
    }
}
