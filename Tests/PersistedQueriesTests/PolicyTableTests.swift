import Testing
@testable import PersistedQueries

/// `PersistedQueryPolicy.decide` over every phase × bypass × introspection setting ×
/// request shape × allowlist membership, against the rules of SPEC §2 written out as a table.
@Suite("Persisted query policy")
struct PolicyTableTests {
    static let body = "query A { a }"
    static let hash = DocumentHash.exact(body)
    static let otherHash = DocumentHash.exact("query B { b }")

    /// The request shapes the gateway can send.
    enum Shape: String, CaseIterable {
        case bodyOnly                // `query` only
        case bodyWithMatchingAPQ     // `query` + the right sha256Hash
        case bodyWithUppercaseAPQ    // `query` + the right hash in uppercase
        case bodyWithMismatchedAPQ   // `query` + another document's hash
        case apqHashOnly             // sha256Hash, no `query`, unknown to the allowlist
        case nothing                 // neither

        func request(tenant: String? = nil, introspection: IntrospectionUse) -> PersistedQueryRequest {
            switch self {
            case .bodyOnly: return PersistedQueryRequest(tenant: tenant, exactHash: PolicyTableTests.hash, introspection: introspection, operationName: "A")
            case .bodyWithMatchingAPQ: return PersistedQueryRequest(tenant: tenant, exactHash: PolicyTableTests.hash, apqHash: PolicyTableTests.hash, introspection: introspection, operationName: "A")
            case .bodyWithUppercaseAPQ: return PersistedQueryRequest(tenant: tenant, exactHash: PolicyTableTests.hash, apqHash: PolicyTableTests.hash.uppercased(), introspection: introspection, operationName: "A")
            case .bodyWithMismatchedAPQ: return PersistedQueryRequest(tenant: tenant, exactHash: PolicyTableTests.hash, apqHash: PolicyTableTests.otherHash, introspection: introspection, operationName: "A")
            case .apqHashOnly: return PersistedQueryRequest(tenant: tenant, exactHash: nil, apqHash: PolicyTableTests.otherHash, introspection: introspection)
            case .nothing: return PersistedQueryRequest(tenant: tenant, exactHash: nil, introspection: introspection)
            }
        }
    }

    /// The expected outcome, as SPEC §2 and §1 state it, in the order the rules are written there.
    static func expected(
        phase: AllowlistPhase, bypass: Bool, introspectionAllowed: Bool,
        shape: Shape, introspection: IntrospectionUse, listed: Bool
    ) -> String {
        switch shape {
        case .bodyWithMismatchedAPQ: return "reject BAD_REQUEST"  // "a sent hash that does not match the sent body"
        case .apqHashOnly: return "reject PERSISTED_QUERY_NOT_FOUND"  // "APQ hash unknown"
        case .nothing: return "reject BAD_REQUEST"
        case .bodyOnly, .bodyWithMatchingAPQ, .bodyWithUppercaseAPQ: break
        }
        if introspection != .none && !introspectionAllowed { return "reject INTROSPECTION_DISABLED" }  // "in every phase"
        if bypass { return "allow bypass" }  // "skip the check entirely"
        switch phase {
        case .off: return "allow phaseOff"
        case .log, .enforce:
            // "in `enforce` an introspection document must be listed like any other"
            if introspection == .only && phase == .log { return "allow introspection" }
            if listed { return "allow listed" }
            return phase == .log ? "logged log" : "reject PERSISTED_QUERY_NOT_ALLOWED enforce"
        }
    }

    static func render(_ decision: PersistedQueryDecision) -> String {
        switch decision {
        case .allow(let reason): return "allow \(reason.rawValue)"
        case .allowLogged(let violation): return "logged \(violation.phase.rawValue)"
        case .reject(let code, _, let violation?): return "reject \(code.rawValue) \(violation.phase.rawValue)"
        case .reject(let code, _, nil): return "reject \(code.rawValue)"
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let phase: AllowlistPhase
        let bypass: Bool
        let introspectionAllowed: Bool
        let introspection: IntrospectionUse
        let listed: Bool
        var testDescription: String { "\(phase) bypass=\(bypass) introspection=\(introspectionAllowed) use=\(introspection) listed=\(listed)" }
    }

    static let cases: [Case] = {
        var all: [Case] = []
        for phase in AllowlistPhase.allCases {
            for bypass in [false, true] {
                for introspectionAllowed in [false, true] {
                    for introspection in [IntrospectionUse.none, .only, .mixed] {
                        for listed in [false, true] {
                            all.append(Case(phase: phase, bypass: bypass, introspectionAllowed: introspectionAllowed, introspection: introspection, listed: listed))
                        }
                    }
                }
            }
        }
        return all
    }()

    @Test(arguments: cases)
    func everyCombination(_ c: Case) {
        let policy = PersistedQueryPolicy(phase: c.phase, bypass: c.bypass, introspectionAllowed: c.introspectionAllowed)
        for shape in Shape.allCases {
            var asked = false
            let decision = policy.decide(shape.request(introspection: c.introspection)) {
                asked = true
                return c.listed
            }
            let want = Self.expected(
                phase: c.phase, bypass: c.bypass, introspectionAllowed: c.introspectionAllowed,
                shape: shape, introspection: c.introspection, listed: c.listed)
            #expect(Self.render(decision) == want, "\(shape)")
            // The allowlist is consulted only when its answer decides something.
            let needed = want.hasSuffix("listed") || want.hasPrefix("logged") || want.contains("NOT_ALLOWED")
            #expect(asked == needed, "\(shape): lookup \(asked ? "made" : "skipped")")
        }
    }

    @Test func notFoundAnswersWithApollosMessageAndStatus200() {
        let decision = PersistedQueryPolicy(phase: .enforce).decide(Shape.apqHashOnly.request(introspection: .none)) { false }
        #expect(decision == .reject(code: .notFound, message: "PersistedQueryNotFound", violation: nil))
        #expect(PersistedQueryRejectCode.notFound.status == 200)
        #expect(PersistedQueryRejectCode.notAllowed.status == 403)
        #expect(PersistedQueryRejectCode.introspectionDisabled.status == 403)
        #expect(PersistedQueryRejectCode.badRequest.status == 400)
    }

    @Test func enforceRejectionCarriesTheViolation() {
        let request = PersistedQueryRequest(tenant: "demo", exactHash: Self.hash, operationName: "A")
        let decision = PersistedQueryPolicy(phase: .enforce).decide(request) { false }
        #expect(decision == .reject(
            code: .notAllowed, message: "operation is not on the persisted query allowlist",
            violation: PersistedQueryViolation(tenant: "demo", hash: Self.hash, operationName: "A", phase: .enforce)))
    }

    @Test func canaryTenantsEnforceWhileTheRestLog() {
        let policy = PersistedQueryPolicy(phase: .log, tenantPhases: ["demo": .enforce, "quiet": .off])
        func outcome(_ tenant: String?) -> String {
            Self.render(policy.decide(PersistedQueryRequest(tenant: tenant, exactHash: Self.hash)) { false })
        }
        #expect(outcome("demo") == "reject PERSISTED_QUERY_NOT_ALLOWED enforce")
        #expect(outcome("test") == "logged log")
        #expect(outcome(nil) == "logged log")
        #expect(outcome("quiet") == "allow phaseOff")
        // Bypass overrides every tenant's phase.
        var bypassed = policy
        bypassed.bypass = true
        #expect(Self.render(bypassed.decide(PersistedQueryRequest(tenant: "demo", exactHash: Self.hash)) { false }) == "allow bypass")
    }

    /// The rollback plan's `PQ_PHASE=log PQ_BYPASS=1`: everything passes, introspection too unless disabled.
    @Test func rollbackSettingsLetEverythingThrough() {
        let policy = PersistedQueryPolicy(phase: .log, bypass: true, introspectionAllowed: true)
        #expect(Self.render(policy.decide(PersistedQueryRequest(exactHash: Self.hash)) { false }) == "allow bypass")
        #expect(Self.render(policy.decide(PersistedQueryRequest(exactHash: Self.hash, introspection: .only)) { false }) == "allow bypass")
    }

    /// The GA notes: enforce, `PQ_BYPASS=0`, `PQ_INTROSPECTION=0`.
    @Test func gaSettingsBlockIntrospectionEvenWhenListed() {
        let policy = PersistedQueryPolicy(phase: .enforce, bypass: false, introspectionAllowed: false)
        #expect(Self.render(policy.decide(PersistedQueryRequest(exactHash: Self.hash, introspection: .only)) { true }) == "reject INTROSPECTION_DISABLED")
        #expect(Self.render(policy.decide(PersistedQueryRequest(exactHash: Self.hash)) { true }) == "allow listed")
    }

    /// Issue 13 item 8: enforce means enforce. An unlisted `{ __schema { types { name } } }`
    /// is refused in enforce even with introspection on; listed, it passes; the opt-in key
    /// lets tooling introspect; `log` keeps letting it through uncounted.
    @Test func enforceRefusesUnlistedIntrospectionUnlessOptedIn() {
        let schemaOnly = PersistedQueryRequest(exactHash: Self.hash, introspection: .only)
        let enforce = PersistedQueryPolicy(phase: .enforce, introspectionAllowed: true)
        #expect(Self.render(enforce.decide(schemaOnly) { false }) == "reject PERSISTED_QUERY_NOT_ALLOWED enforce")
        #expect(Self.render(enforce.decide(schemaOnly) { true }) == "allow listed")
        var optedIn = enforce
        optedIn.introspectionInEnforce = true
        #expect(Self.render(optedIn.decide(schemaOnly) { false }) == "allow introspection")
        // The opt-in opens pure introspection only, never a document that also reads data.
        #expect(Self.render(optedIn.decide(PersistedQueryRequest(exactHash: Self.hash, introspection: .mixed)) { false })
            == "reject PERSISTED_QUERY_NOT_ALLOWED enforce")
        #expect(Self.render(PersistedQueryPolicy(phase: .log).decide(schemaOnly) { false }) == "allow introspection")
    }

    /// SPEC §2: registered APQ documents are served, and registered, only where the document
    /// would pass anyway: off, log, bypass; never in enforce, per tenant.
    @Test func apqRegistryOnlyWhereTheDocumentWouldPassAnyway() {
        let policy = PersistedQueryPolicy(phase: .log, tenantPhases: ["locked": .enforce, "open": .off])
        #expect(policy.servesRegisteredAPQ(tenant: nil))
        #expect(policy.servesRegisteredAPQ(tenant: "open"))
        #expect(!policy.servesRegisteredAPQ(tenant: "locked"))
        #expect(!PersistedQueryPolicy(phase: .enforce).servesRegisteredAPQ(tenant: "x"))
        #expect(PersistedQueryPolicy(phase: .enforce, bypass: true).servesRegisteredAPQ(tenant: "x"))
    }
}
