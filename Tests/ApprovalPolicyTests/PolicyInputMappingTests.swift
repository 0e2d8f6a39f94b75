import ApprovalPolicy
import Kit
import Testing

/// PolicyInput ⇄ the Rego input document, and OPA's answer → PolicyDecision.
@Suite struct PolicyInputMappingTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func regoInputCarriesMoneyTwiceExactly() throws {
        let input = PolicyInput(
            tenant: "acme", requester: "alice", estimateMicros: 5_000_001, tokens: 42,
            riskTags: ["purge"], targetTenants: ["globex"], emergencyOverride: true)
        #expect(
            input.regoInput.serialized
                == #"{"tenant":"acme","requester":"alice","est_usd":5.000001,"est_usd_micros":5000001,"tokens":42,"#
                + #""risk_tags":["purge"],"target_tenants":["globex"],"emergency_override":true,"risk_tag":"purge"}"#)
        #expect(String(decoding: input.opaRequestBody, as: UTF8.self) == #"{"input":"# + input.regoInput.serialized + "}")
    }

    @Test func singularRiskTagIsTheRiskiestForTheSeedsOneTagRules() {
        func single(_ tags: [String]) -> JSONValue? { PolicyInput(tenant: "t", requester: "r", riskTags: tags).regoInput["risk_tag"] }
        #expect(single(["bulk_update", "purge"]) == .string("purge"))
        #expect(single(["data_export", "bulk_update"]) == .string("data_export"))
        #expect(single([]) == nil)
    }

    @Test func dollarTextPadsSixPlaces() {
        #expect(PolicyInput(tenant: "t", requester: "r", estimateMicros: 0).regoInput["est_usd"] == .number("0.000000"))
        #expect(PolicyInput(tenant: "t", requester: "r", estimateMicros: 10_000_000).regoInput["est_usd"] == .number("10.000000"))
        #expect(PolicyInput(tenant: "t", requester: "r", estimateMicros: 123).regoInput["est_usd"] == .number("0.000123"))
    }

    @Test func roundTripsThroughTheRegoInput() throws {
        let input = PolicyInput(
            tenant: "acme", requester: "alice", estimateMicros: 1_234_567_890, tokens: 50_001,
            riskTags: ["bulk_update", "x"], targetTenants: ["acme", "globex"], emergencyOverride: true)
        #expect(try PolicyInput(regoInput: input.regoInput) == input)
    }

    @Test func readsTheSeedsSingularRiskTagAlongsideTheList() throws {
        let input = try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","risk_tags":["purge"],"risk_tag":"data_export"}"#))
        #expect(input.riskTags == ["purge", "data_export"])
        let repeated = try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","risk_tags":["purge"],"risk_tag":"purge"}"#))
        #expect(repeated.riskTags == ["purge"])
    }

    @Test func integerMicrosWinOverDollars() throws {
        let input = try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","est_usd":6,"est_usd_micros":5000000}"#))
        #expect(input.estimateMicros == 5_000_000)
    }

    @Test func dollarsAloneAreReadExactly() throws {
        let input = try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","est_usd":5.000001}"#))
        #expect(input.estimateMicros == 5_000_001)
    }

    @Test func absentFieldsDefault() throws {
        let input = try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u"}"#))
        #expect(input == PolicyInput(tenant: "a", requester: "u"))
    }

    @Test func inputThatIsNotAnObjectIsRefused() throws {
        #expect(throws: PolicyInputError.notAnObject("input")) { try PolicyInput(regoInput: parse("[1]")) }
    }

    @Test func missingTenantIsRefused() throws {
        #expect(throws: PolicyInputError.missing("tenant")) { try PolicyInput(regoInput: parse(#"{"requester":"u"}"#)) }
    }

    @Test func missingRequesterIsRefused() throws {
        #expect(throws: PolicyInputError.missing("requester")) { try PolicyInput(regoInput: parse(#"{"tenant":"a"}"#)) }
    }

    @Test func fractionalMicrosAreRefused() throws {
        #expect(throws: PolicyInputError.wrongType(field: "est_usd_micros", expected: "an integer")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","est_usd_micros":1.5}"#))
        }
    }

    @Test func dollarsPastSixDecimalsAreRefused() throws {
        #expect(throws: PolicyInputError.invalidAmount(field: "est_usd")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","est_usd":5.0000001}"#))
        }
    }

    @Test func dollarsAsAStringAreRefused() throws {
        #expect(throws: PolicyInputError.wrongType(field: "est_usd", expected: "a number")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","est_usd":"5"}"#))
        }
    }

    @Test func negativeEstimateIsRefused() throws {
        #expect(throws: PolicyInputError.negative("est_usd")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","est_usd_micros":-1}"#))
        }
    }

    @Test func negativeTokensAreRefused() throws {
        #expect(throws: PolicyInputError.negative("tokens")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","tokens":-5}"#))
        }
    }

    @Test func nonStringTagIsRefused() throws {
        #expect(throws: PolicyInputError.wrongType(field: "risk_tags", expected: "an array of strings")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","risk_tags":["purge",1]}"#))
        }
    }

    @Test func truthyOverrideIsRefused() throws {
        #expect(throws: PolicyInputError.wrongType(field: "emergency_override", expected: "true or false")) {
            try PolicyInput(regoInput: parse(#"{"tenant":"a","requester":"u","emergency_override":"yes"}"#))
        }
    }

    @Test func approverMapsBothWays() throws {
        let approver = Approver(id: "bob", roles: ["team_lead"], tenant: "acme")
        #expect(try Approver(regoInput: approver.regoInput) == approver)
        #expect(try Approver(regoInput: parse(#"{"id":"bob","tenant":null}"#)) == Approver(id: "bob", roles: []))
    }

    @Test func approverWithoutIDIsRefused() throws {
        #expect(throws: PolicyInputError.missing("id")) { try Approver(regoInput: parse(#"{"roles":["admin"]}"#)) }
    }

    @Test func approverRolesMustBeStrings() throws {
        #expect(throws: PolicyInputError.wrongType(field: "roles", expected: "an array of strings")) {
            try Approver(regoInput: parse(#"{"id":"bob","roles":"admin"}"#))
        }
    }

    // MARK: OPA's answer

    func answer(_ text: String) throws(OPAError) -> PolicyDecision { try PolicyDecision(opaAnswer: Array(text.utf8)) }

    @Test func readsOPAsWholePackageDocument() throws {
        let decision = try answer(
            #"{"result":{"requires_4eyes":false,"reasons":["tokens_over_limit","estimate_over_limit"],"emergency_relaxed":true,"token_limit":50000}}"#)
        #expect(decision == PolicyDecision(requiresFourEyes: false, reasons: ["estimate_over_limit", "tokens_over_limit"], emergencyRelaxed: true))
    }

    @Test func aOneRuleBundleReadsAsNoReasons() throws {
        #expect(try answer(#"{"result":{"requires_4eyes":false}}"#) == PolicyDecision(requiresFourEyes: false, reasons: []))
    }

    @Test func nonJSONAnswerIsBadJSON() {
        #expect(throws: OPAError.self) { try answer("<html>oops</html>") }
        do { _ = try answer("<html>") } catch { #expect(error.isBadJSON) }
    }

    @Test func answerWithoutResultIsBadJSON() {
        #expect(throws: OPAError.badJSON(#"no "result": is package approval loaded in OPA?"#)) { try answer("{}") }
    }

    @Test func answerWithoutTheDecisionIsBadJSON() {
        #expect(throws: OPAError.badJSON("result.requires_4eyes is missing or not a boolean")) {
            try answer(#"{"result":{"requires_4eyes":"no"}}"#)
        }
    }

    @Test func answerWithNonStringReasonIsBadJSON() {
        #expect(throws: OPAError.badJSON("result.reasons holds a non-string")) {
            try answer(#"{"result":{"requires_4eyes":true,"reasons":[1]}}"#)
        }
    }
}

extension OPAError {
    var isBadJSON: Bool {
        if case .badJSON = self { return true }
        return false
    }
}
