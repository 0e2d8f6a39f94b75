import ApprovalPolicy
import Foundation
import Kit
import Testing
import TestSupport

/// The SPEC's promise (§2): policies/approval.rego and the in-process rules give the same
/// decision on the same cases. Every case of policies/conformance/cases.json goes through
/// the Swift rules and through regorus (scripts/rego.py eval), and Swift == Rego == expect.
@Suite struct ConformanceTests {
    /// Swift's decisions for one case's input (the approver rules only when the case has them).
    static func swiftDecisions(_ input: JSONValue) throws -> CaseDecisions {
        let policyInput = try PolicyInput(regoInput: input)
        var validApprover: Bool?
        if let approver = input["approver"] {
            validApprover = ApprovalRules.isValidApprover(
                try Approver(regoInput: approver), tenant: policyInput.tenant, requester: policyInput.requester)
        }
        var approved: Bool?
        if let list = input["approvals"] {
            guard let entries = list.arrayValue else { throw RegoEngineError("approvals is not an array") }
            var approvers: [Approver] = []
            for entry in entries { approvers.append(try Approver(regoInput: entry)) }
            approved = ApprovalRules.isApproved(approvers: approvers, tenant: policyInput.tenant, requester: policyInput.requester)
        }
        return CaseDecisions(ApprovalRules.evaluate(policyInput), validApprover: validApprover, approved: approved)
    }

    /// Rego's decisions per case id, from one `rego.py eval` run.
    static func regoDecisions() async throws -> [String: CaseDecisions] {
        let out = NSTemporaryDirectory() + "safemut-rego-eval-\(UUID().uuidString.prefix(8)).json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        let outcome = try await offPool { try RegoEngine.run(["eval", RegoEngine.casesPath, "--out", out]) }
        guard outcome.status == 0 else { throw RegoEngineError("rego.py eval exited \(outcome.status):\n\(outcome.output)") }
        let document = try JSONValue.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: out))))
        guard let results = document["results"]?.arrayValue else { throw RegoEngineError("rego.py eval printed no results") }
        var byID: [String: CaseDecisions] = [:]
        for result in results {
            guard let id = result["id"]?.stringValue else { throw RegoEngineError("a result has no id") }
            byID[id] = try CaseDecisions(json: result)
        }
        return byID
    }

    @Test func swiftRegoAndTheTableAgreeOnEveryCase() async throws {
        let cases = try ConformanceTable.load()
        let rego = try await Self.regoDecisions()
        #expect(rego.count == cases.count, "rego.py returned \(rego.count) results for \(cases.count) cases")
        for testCase in cases {
            let expected = try CaseDecisions(json: testCase.expect)
            let swift: CaseDecisions
            do {
                swift = try Self.swiftDecisions(testCase.input)
            } catch {
                Issue.record("\(testCase.id): the Swift side cannot read the input: \(error)")
                continue
            }
            #expect(swift == expected, "\(testCase.id): Swift says \(swift), the table \(expected)")
            #expect(rego[testCase.id] == expected, "\(testCase.id): Rego says \(rego[testCase.id].map(String.init(describing:)) ?? "nothing"), the table \(expected)")
            // A case that names approvers must be judged on them by both engines.
            #expect((swift.validApprover == nil) == (testCase.input["approver"] == nil), "\(testCase.id)")
            #expect((swift.approved == nil) == (testCase.input["approvals"] == nil), "\(testCase.id)")
        }
    }

    /// The table keeps every boundary the issue lists (a pruned table would still "agree").
    @Test func theTableHoldsEveryBoundary() throws {
        let cases = try ConformanceTable.load()
        #expect(cases.count >= 45)
        let ids = cases.map(\.id)
        #expect(Set(ids).count == ids.count, "case ids are unique")
        let required = [
            "nothing_risky", "estimate_exactly_5", "estimate_5_000001", "tokens_exactly_50000", "tokens_50001",
            "cross_tenant", "same_tenant_named", "override_estimate_10_exactly", "override_estimate_10_000001",
            "override_low_risk_tag", "override_cross_tenant", "approver_team_lead_own_tenant",
            "approver_team_lead_other_tenant", "approver_is_requester", "approver_unknown_role", "approver_empty_roles",
            "approvals_same_person_twice", "approvals_two_distinct_valid", "approvals_valid_and_requester",
        ]
            + PolicyConstants.fourEyesTags.map { "tag_" + $0 }
            + PolicyConstants.highRiskTags.map { "override_high_risk_" + $0 }
            + PolicyConstants.globalApproverRoles.map { "approver_" + $0 }
        for id in required {
            #expect(ids.contains(id), "the table lacks case \(id)")
        }
        // The boundaries carry the amounts they are named for, in both spellings.
        let byID = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.input) })
        #expect(byID["estimate_exactly_5"]?["est_usd_micros"]?.int64Value == 5_000_000)
        #expect(byID["estimate_exactly_5"]?["est_usd"] == .number("5.000000"))
        #expect(byID["estimate_5_000001"]?["est_usd_micros"]?.int64Value == 5_000_001)
        #expect(byID["override_estimate_10_exactly"]?["est_usd_micros"]?.int64Value == 10_000_000)
        #expect(byID["override_estimate_10_000001"]?["est_usd_micros"]?.int64Value == 10_000_001)
    }

    /// `rego.py test policies/`: every test_* rule of policies/*_test.rego holds (our `opa test`).
    @Test func regoUnitTestsPass() async throws {
        let outcome = try await offPool { try RegoEngine.run(["test", RegoEngine.policies]) }
        #expect(outcome.status == 0, "rego.py test policies/ failed:\n\(outcome.output)")
        #expect(outcome.output.contains("PASS:"), "\(outcome.output)")
    }
}
