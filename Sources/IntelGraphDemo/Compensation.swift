/// The inverse of what a mutation request did, reported to the gateway as
/// `extensions.compensation = {"operation": "...", "variables": {...}}`.
///
/// Steps run in order; the inverse of several root fields lists the last
/// field's steps first, since mutation root fields run one after another.
public struct Compensation: Sendable, Equatable {
    public var steps: [CompensationStep]

    public init(steps: [CompensationStep]) {
        self.steps = steps
    }

    /// The operation's name, so compensations are easy to find in logs.
    public static let operationName = "Compensate"

    /// The GraphQL document. One step reads like hand-written GraphQL:
    /// `mutation Compensate($id: ID!) { deleteEntity(id: $id) }`; several
    /// steps get aliases `c0`, `c1`… and variables prefixed `c0_`, `c1_`….
    public var operation: String {
        let single = steps.count == 1
        var declarations: [String] = []
        var selections: [String] = []
        for (index, step) in steps.enumerated() {
            let prefix = single ? "" : "c\(index)_"
            var call = single ? step.field : "c\(index): \(step.field)"
            if !step.arguments.isEmpty {
                let arguments = step.arguments.map { "\($0.name): $\(prefix)\($0.name)" }
                call += "(" + arguments.joined(separator: ", ") + ")"
            }
            if let selection = step.selection {
                call += " " + selection
            }
            selections.append(call)
            declarations += step.arguments.map { "$\(prefix)\($0.name): \($0.type)" }
        }
        let header = declarations.isEmpty ? "" : "(" + declarations.joined(separator: ", ") + ")"
        return "mutation \(Self.operationName)\(header) { " + selections.joined(separator: " ") + " }"
    }

    /// The variables the operation declares, in declaration order.
    public var variables: JSONValue {
        let single = steps.count == 1
        var members: [JSONMember] = []
        for (index, step) in steps.enumerated() {
            let prefix = single ? "" : "c\(index)_"
            members += step.arguments.map { JSONMember(prefix + $0.name, $0.value) }
        }
        return .object(members)
    }

    /// `{"operation": …, "variables": …}`.
    public var json: JSONValue {
        .object([JSONMember("operation", .string(operation)), JSONMember("variables", variables)])
    }
}
