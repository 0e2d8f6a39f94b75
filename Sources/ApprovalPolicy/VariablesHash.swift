import Crypto
import Kit

/// The hash an approval is bound to besides the document's: SHA-256 of the request's
/// variables in a canonical form (object keys sorted by their UTF-8 bytes at every level,
/// no blanks, numbers as written), without the `approvers` variable, which is the
/// approval's evidence rather than part of what was approved.
///
/// Numbers keep their literal text, so `1` and `1.0` are different variables: an approval
/// is for exactly what the approvers saw.
public enum VariablesHash {
    /// The variable that carries approver ids (the evidence of `ApprovalEvidence`).
    public static let approversVariable = "approvers"

    public static func of(_ variables: JSONValue?) -> String {
        var canonical: JSONValue = .object([])
        if let members = variables?.objectMembers {
            canonical = .object(members.filter { $0.key != VariablesHash.approversVariable })
        }
        return SHA256Digest.hex(Array(sorted(canonical).serialized.utf8))
    }

    static func sorted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            let ordered = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            return .object(ordered.map { JSONMember($0.key, sorted($0.value)) })
        case .array(let elements):
            return .array(elements.map(sorted))
        default:
            return value
        }
    }
}
