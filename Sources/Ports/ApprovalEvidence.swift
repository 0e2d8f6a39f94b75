import ApprovalPolicy
import Contract
import Foundation
import HTTP
import Kit

/// What a re-sent mutation offers as its approval (SPEC §2 step 3): the request's id in
/// `X-Approval-Id`, or the approvers' ids in `variables.approvers`.
public enum ApprovalEvidence: Sendable, Equatable {
    case requestID(UUID)
    case approvers([String])

    /// The variable that carries approver ids; excluded from the variables hash.
    public static let approversVariable = VariablesHash.approversVariable
    public static let header = "X-Approval-Id"

    /// The evidence in the request, nil when there is none, or a 400 naming what is malformed.
    public static func read(headers: HTTPHeaders, variables: JSONValue?) -> Result<ApprovalEvidence?, Rejection> {
        let ids = headers.values(for: header)
        if ids.count > 1 {
            return .failure(Rejection(.badRequest, "\(header) may be sent once"))
        }
        if let text = ids.first {
            guard let id = UUID(uuidString: text.trimmingCharacters(in: .whitespaces)) else {
                return .failure(Rejection(.badRequest, "\(header) must be an approval request id (a UUID)"))
            }
            return .success(.requestID(id))
        }
        guard let listed = variables?[approversVariable], !listed.isNull else { return .success(nil) }
        guard let elements = listed.arrayValue else {
            return .failure(Rejection(.badRequest, "variables.approvers must be a list of approver ids"))
        }
        var approvers: [String] = []
        for element in elements {
            guard let id = element.stringValue, !id.isEmpty, id.utf8.count <= 256 else {
                return .failure(Rejection(.badRequest, "variables.approvers must hold non-empty approver id strings"))
            }
            if !approvers.contains(id) { approvers.append(id) }
        }
        guard approvers.count >= 2 else {
            return .failure(Rejection(.badRequest, "variables.approvers must name the two people who approved"))
        }
        return .success(.approvers(approvers))
    }
}
