import Testing
@testable import Downshift

@Suite("downshift tiers: which operations each tier serves")
struct DownshiftRulesTests {
    static let table = TierTable.seed()

    static func field(_ name: String, _ priority: Int, _ tags: Set<String> = [], hops: Int64? = nil) -> DownshiftField {
        DownshiftField(name: name, priority: priority, tags: tags, hops: hops)
    }

    /// The demo's sample operations and the tier from which each is refused (nil: never).
    static let samples: [(String, DownshiftRequest, DownshiftTier?)] = [
        ("health (P0)", DownshiftRequest(isMutation: false, fields: [field("health", 0)], tenantKnownBeforeTier: false), nil),
        ("entity read (P1)", DownshiftRequest(isMutation: false, fields: [field("entity", 1)], tenantKnownBeforeTier: true), .emergency),
        ("bulk import (batch)", DownshiftRequest(isMutation: true, fields: [field("bulkImport", 2, ["batch"])], tenantKnownBeforeTier: true), .observe),
        ("summarize 9k tokens (llm)", DownshiftRequest(isMutation: true, fields: [field("summarize", 1, ["llm"])], estimatedTokens: 9_000, tenantKnownBeforeTier: true), .throttle),
        ("enrich (enricher)", DownshiftRequest(isMutation: true, fields: [field("enrich", 1, ["enricher"])], tenantKnownBeforeTier: true), .shed),
        ("search uncached (heavy_read)", DownshiftRequest(isMutation: false, fields: [field("search", 1, ["heavy_read"])], tenantKnownBeforeTier: true), .shed),
        ("analytics", DownshiftRequest(isMutation: false, fields: [field("stats", 1, ["analytics"])], tenantKnownBeforeTier: true), .degrade),
        ("path 3 hops", DownshiftRequest(isMutation: false, fields: [field("path", 1, hops: 3)], tenantKnownBeforeTier: true), .degrade),
        ("path 2 hops", DownshiftRequest(isMutation: false, fields: [field("path", 1, hops: 2)], tenantKnownBeforeTier: true), .emergency),
        ("P2 write by a known tenant", DownshiftRequest(isMutation: true, fields: [field("createNote", 2)], tenantKnownBeforeTier: true), .protect),
        ("P1 write by a new tenant", DownshiftRequest(isMutation: true, fields: [field("createEntity", 1)], tenantKnownBeforeTier: false), .protect),
    ]

    @Test("every sample operation is served below its tier and refused from it on", arguments: 0..<samples.count)
    func ladder(index: Int) {
        let (name, request, refusedFrom) = Self.samples[index]
        for tier in DownshiftTier.allCases {
            let decision = TierRules.decide(request, tier: tier, policy: Self.table[tier])
            let refused: Bool
            if case .refuse = decision { refused = true } else { refused = false }
            #expect(refused == (refusedFrom.map { tier >= $0 } ?? false), "\(name) at tier \(tier): \(decision)")
        }
    }

    @Test("a cached heavy read is served from the cache at tier 3; throttle halves non-P0 rates and forwards the tier")
    func adjustments() {
        let cached = DownshiftRequest(isMutation: false, fields: [Self.field("search", 1, ["heavy_read"])], cached: true)
        guard case .serve(let served) = TierRules.decide(cached, tier: .shed, policy: Self.table[.shed]) else {
            Issue.record("a cached heavy read was refused at tier 3")
            return
        }
        #expect(served.fromCacheOnly && served.forwardTier == 3 && served.rateFactorPerMille == 500)
        let essential = DownshiftRequest(isMutation: true, fields: [Self.field("SafeNoop", 0)])
        #expect(TierRules.decide(essential, tier: .throttle, policy: Self.table[.throttle]) == .serve({
            var adjustments = DownshiftDecision.Adjustments()
            adjustments.forwardTier = 2
            return adjustments
        }()))
        let sampled = TierRules.decide(DownshiftRequest(isMutation: false, fields: [Self.field("x", 3)]), tier: .observe, policy: Self.table[.observe], logSample: false)
        #expect(sampled == .serve({ var a = DownshiftDecision.Adjustments(); a.logged = false; return a }()))
    }

    @Test("the refusal names the most fundamental rule: priority before tags")
    func reasons() {
        let request = DownshiftRequest(isMutation: true, fields: [Self.field("bulkImport", 2, ["batch"])], tenantKnownBeforeTier: true)
        #expect(TierRules.decide(request, tier: .protect, policy: Self.table[.protect])
            == .refuse(reason: "priority", detail: "tier 5 protect serves only P0–P1; this request is P2"))
        #expect(TierRules.decide(request, tier: .observe, policy: Self.table[.observe])
            == .refuse(reason: "tag_batch", detail: "tier 1 observe refuses batch operations (bulkImport)"))
    }

    @Test("a tier given its own policy still carries the tiers below")
    func cumulative() {
        var stepwise = [TierPolicy](repeating: TierPolicy(), count: 7)
        stepwise[1].refuseTags = ["batch"]
        stepwise[3].maxHops = 3
        stepwise[4].maxHops = 5
        let table = TierTable(stepwise: stepwise)
        #expect(table[.emergency].refuseTags == ["batch"])
        #expect(table[.degrade].maxHops == 3)
        #expect(table[.normal].refuseTags.isEmpty)
    }
}

@Suite("downshift state and the automatic ladder")
struct DownshiftStateTests {
    @Test("bad settings are refused by name: a tier outside 0–6, no reason, a TTL past the maximum")
    func badSettings() {
        let state = DownshiftState()
        #expect(state.setting(tier: 7, reason: "x", by: "a", ttlMinutes: nil, maxTTLMinutes: 1_440, atSeconds: 0) == .failure(.tierOutOfRange(7)))
        #expect(state.setting(tier: -1, reason: "x", by: "a", ttlMinutes: nil, maxTTLMinutes: 1_440, atSeconds: 0) == .failure(.tierOutOfRange(-1)))
        #expect(state.setting(tier: 3, reason: " ", by: "a", ttlMinutes: nil, maxTTLMinutes: 1_440, atSeconds: 0) == .failure(.reasonRequired))
        #expect(state.setting(tier: 3, reason: "x", by: "a", ttlMinutes: 2_000, maxTTLMinutes: 1_440, atSeconds: 0) == .failure(.ttlOutOfRange(minutes: 2_000, maximum: 1_440)))
    }

    @Test("a manual tier wins over the automatic one while it lasts; at its TTL the automatic tier applies again")
    func manualWins() throws {
        let automatic = DownshiftState(automatic: AutoTierState(tier: .shed), automaticSinceSeconds: 100)
        let manual = try automatic.setting(tier: 1, reason: "drill", by: "sre-1", ttlMinutes: 60, maxTTLMinutes: 1_440, atSeconds: 1_000).get()
        #expect(manual.tier(atSeconds: 1_000) == .observe)
        #expect(manual.isManual(atSeconds: 4_599))
        #expect(manual.tier(atSeconds: 4_600) == .shed)
        #expect(manual.tierSinceSeconds(atSeconds: 4_600) == 4_600)
        #expect(manual.returningToAutomatic().tier(atSeconds: 1_001) == .shed)
    }

    static let rule = AutoTierRule(holdSeconds: 600)

    @Test("burn raises the tier at once at 75/85/95/100 %, capped by max_auto_tier")
    func raise() {
        var state = AutoTierState()
        for (burn, tier) in [(700, DownshiftTier.normal), (750, .observe), (860, .throttle), (960, .shed), (1_200, .degrade)] as [(Int64, DownshiftTier)] {
            state = state.next(burn: burn, budget: "llm", rule: Self.rule, escalationAllowed: true, atSeconds: 0)
            #expect(state.tier == tier, "\(burn) ‰")
        }
        var capped = Self.rule
        capped.maxAutoTier = .throttle
        #expect(AutoTierState().next(burn: 990, budget: "llm", rule: capped, escalationAllowed: true, atSeconds: 0).tier == .throttle)
    }

    @Test("hysteresis: a tier is left only after the burn stays a margin below its threshold for the hold")
    func hysteresis() {
        var state = AutoTierState(tier: .throttle)
        state = state.next(burn: 820, budget: "llm", rule: Self.rule, escalationAllowed: true, atSeconds: 0)
        #expect(state.tier == .throttle && state.lowSinceSeconds == nil, "within the margin: stays, no clock")
        state = state.next(burn: 790, budget: "llm", rule: Self.rule, escalationAllowed: true, atSeconds: 100)
        #expect(state.tier == .throttle && state.lowSinceSeconds == 100)
        state = state.next(burn: 790, budget: "llm", rule: Self.rule, escalationAllowed: true, atSeconds: 699)
        #expect(state.tier == .throttle)
        state = state.next(burn: 790, budget: "llm", rule: Self.rule, escalationAllowed: true, atSeconds: 700)
        #expect(state.tier == .observe && state.lowSinceSeconds == nil)
        // A bounce back inside the margin restarts the hold.
        var bounce = AutoTierState(tier: .throttle, lowSinceSeconds: 0)
        bounce = bounce.next(burn: 840, budget: "llm", rule: Self.rule, escalationAllowed: true, atSeconds: 500)
        #expect(bounce.lowSinceSeconds == nil)
    }

    @Test("a failing P0 synthetic check stops escalation; an unreadable budget holds the tier")
    func holds() {
        let held = AutoTierState(tier: .observe).next(burn: 990, budget: "llm", rule: Self.rule, escalationAllowed: false, atSeconds: 0)
        #expect(held.tier == .observe && held.reason.contains("P0 synthetic check is failing"))
        let unread = AutoTierState(tier: .shed, lowSinceSeconds: 5).next(burn: nil, budget: "infra", rule: Self.rule, escalationAllowed: true, atSeconds: 10)
        #expect(unread.tier == .shed && unread.lowSinceSeconds == nil && unread.reason.contains("unreadable"))
    }

    @Test("burn is exact: actual and projected per mille from micro-dollars")
    func burn() {
        // $2,000 of $5,000 ten days into a 30-day month: 40 % spent, 120 % projected.
        let burn = BudgetBurn(name: "llm", spentMicros: 2_000_000_000, limitMicros: 5_000_000_000, elapsedSeconds: 864_000, monthSeconds: 2_592_000)
        #expect(burn.actualPerMille == 400)
        #expect(burn.projectedPerMille == 1_200)
        #expect(burn.effectivePerMille(projectionAfterSeconds: 259_200) == 1_200)
        #expect(burn.effectivePerMille(projectionAfterSeconds: 1_000_000) == 400)
    }
}
