import ApprovalPolicy
import Foundation
import Kit

/// policies/conformance/cases.json: one `{id, input, expect}` per case.
struct ConformanceCase: Sendable {
    let id: String
    let input: JSONValue
    let expect: JSONValue
}

/// The decisions a case compares, from any of the three sources (Swift, Rego, the table).
/// `validApprover`/`approved` are nil for cases without `approver`/`approvals`.
struct CaseDecisions: Equatable, CustomStringConvertible {
    var requiresFourEyes: Bool
    var reasons: [String]
    var emergencyRelaxed: Bool
    var validApprover: Bool?
    var approved: Bool?

    var description: String {
        var text = "requires_4eyes=\(requiresFourEyes) reasons=\(reasons) emergency_relaxed=\(emergencyRelaxed)"
        if let validApprover { text += " valid_approver=\(validApprover)" }
        if let approved { text += " approved=\(approved)" }
        return text
    }

    /// From a Rego result or an `expect` object (snake_case keys, reasons sorted here).
    init(json: JSONValue) throws {
        guard case .bool(let requires)? = json["requires_4eyes"] else { throw RegoEngineError("requires_4eyes missing in \(json.serialized)") }
        guard let reasons = json["reasons"]?.arrayValue else { throw RegoEngineError("reasons missing in \(json.serialized)") }
        guard case .bool(let relaxed)? = json["emergency_relaxed"] else { throw RegoEngineError("emergency_relaxed missing in \(json.serialized)") }
        self.requiresFourEyes = requires
        self.reasons = reasons.compactMap(\.stringValue).sorted()
        self.emergencyRelaxed = relaxed
        if case .bool(let valid)? = json["valid_approver"] { validApprover = valid }
        if case .bool(let approved)? = json["approved"] { self.approved = approved }
    }

    init(_ decision: PolicyDecision, validApprover: Bool? = nil, approved: Bool? = nil) {
        self.requiresFourEyes = decision.requiresFourEyes
        self.reasons = decision.reasons
        self.emergencyRelaxed = decision.emergencyRelaxed
        self.validApprover = validApprover
        self.approved = approved
    }
}

enum ConformanceTable {
    static func load() throws -> [ConformanceCase] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: RegoEngine.casesPath)))
        let table = try JSONValue.parse(bytes)
        guard let cases = table["cases"]?.arrayValue else { throw RegoEngineError("\(RegoEngine.casesPath) has no cases array") }
        return try cases.map { entry in
            guard let id = entry["id"]?.stringValue, let input = entry["input"], let expect = entry["expect"] else {
                throw RegoEngineError("a case lacks id, input or expect: \(entry.serialized)")
            }
            return ConformanceCase(id: id, input: input, expect: expect)
        }
    }
}
