import Contract
import GraphQLAnalysis
import Kit
import Postgres

/// One `compensation_log` row: the inverse of an admitted mutation, as the upstream
/// reported it in `extensions.compensation` (`{"operation": "mutation Compensate(…) {…}",
/// "variables": {…}}`), read and classified for replay.
public struct CompensationEntry: Sendable {
    public let tenantID: String
    public let id: String
    public let createdAt: String
    /// `X-Request-Id` of the mutation it undoes.
    public let correlationID: String
    /// The operation name of the mutation it undoes.
    public let operationName: String?
    /// The parsed inverse, or why it cannot be replayed.
    public let inverse: Result<InverseMutation, CompensationProblem>

    /// True when replaying needs `--approve-destructive`.
    public var isDestructive: Bool {
        if case .success(let inverse) = inverse { return !inverse.destructiveReasons.isEmpty }
        return false
    }

    static let columns = """
        tenant_id, id::text AS id, \(SQLText.utc("created_at")) AS created_at_text, correlation_id, operation_name, compensation::text AS compensation
        """

    init(_ row: PostgresRow, rule: DestructiveRule, cache: DocumentCache) throws(PostgresError) {
        tenantID = try row["tenant_id"].string()
        id = try row["id"].string()
        createdAt = try row["created_at_text"].string()
        correlationID = try row["correlation_id"].string()
        operationName = try row["operation_name"].nonNull?.string()
        inverse = InverseMutation.parse(try row["compensation"].jsonBytes(), rule: rule, cache: cache)
    }
}

/// A compensation that can be sent: the document, its variables, its root fields.
public struct InverseMutation: Sendable, Equatable {
    public let operation: String
    public let variables: JSONValue
    public let rootFields: [String]
    /// Empty unless it is destructive (see `DestructiveRule`).
    public let destructiveReasons: [String]

    /// `{"query":…,"variables":…}`, the GraphQL-over-HTTP body.
    public var requestBody: [UInt8] {
        Array(JSONValue.members(["query": .string(operation), "variables": variables]).serialized.utf8)
    }

    static func parse(_ bytes: [UInt8], rule: DestructiveRule, cache: DocumentCache) -> Result<InverseMutation, CompensationProblem> {
        let value: JSONValue
        do throws(JSONParseError) {
            value = try JSONValue.parse(bytes)
        } catch {
            return .failure(CompensationProblem("the compensation is not JSON: \(AnalysisError(json: error).message)"))
        }
        guard let operation = value["operation"]?.stringValue, !operation.isEmpty else {
            return .failure(CompensationProblem("the compensation has no \"operation\" string"))
        }
        let variables = value["variables"] ?? .object([])
        guard variables.isNull || variables.objectMembers != nil else {
            return .failure(CompensationProblem("the compensation's \"variables\" is not an object"))
        }
        let analysis: OperationAnalysis
        do throws(AnalysisError) {
            analysis = try cache.document(for: operation).operation(named: nil, variables: variables)
        } catch {
            return .failure(CompensationProblem("the compensation's operation is not a single GraphQL operation: \(error.message)"))
        }
        guard analysis.kind == .mutation else {
            return .failure(CompensationProblem("the compensation's operation is a \(analysis.kind.rawValue), not a mutation"))
        }
        let fields = analysis.rootFields.map(\.name)
        let flagged = value["destructive"]?.boolValue ?? false
        return .success(InverseMutation(
            operation: operation, variables: variables.isNull ? .object([]) : variables, rootFields: fields,
            destructiveReasons: rule.reasons(rootFields: fields, flagged: flagged)))
    }
}

/// Why a logged compensation cannot be replayed.
public struct CompensationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
