import GraphQL
import Kit

/// A parsed document that passed the limits, with what each of its
/// operations needs precomputed; what the parse cache stores. Turning it into
/// an `OperationAnalysis` only resolves root-field arguments against the
/// request's variables.
public struct AnalyzedDocument: Sendable {
    /// One root field: constant arguments already resolved, the rest compiled.
    struct RootFieldTemplate: Sendable {
        /// The field with its constant arguments.
        var field: RootField
        /// Arguments that use variables.
        var variableArguments: [(name: String, value: ArgumentTemplate)]
    }

    /// An operation of the document, analysed.
    struct OperationSummary: Sendable {
        var kind: OperationKind
        var name: String?
        var facts: SelectionFacts
        var rootFields: [RootFieldTemplate]
        /// True when no root-field argument uses a variable: `resolved` is the answer.
        var isConstant: Bool
        /// The root fields when `isConstant`.
        var resolved: [RootField]
    }

    /// The parsed document (without source locations).
    public let document: Document
    /// SHA-256 of the query text, lowercase hex.
    public let hash: String
    /// The query text's size in UTF-8 bytes.
    public let byteCount: Int
    let operations: [OperationSummary]

    /// The largest figures over the document's operations, so a cached entry
    /// can be checked again against other limits without walking it.
    let deepest: Int
    let mostAliases: Int
    let mostRootFields: Int

    init(document: Document, hash: String, byteCount: Int, operations: [OperationSummary], mostRootFields: Int) {
        self.document = document
        self.hash = hash
        self.byteCount = byteCount
        self.operations = operations
        self.deepest = operations.map(\.facts.depth).max() ?? 0
        self.mostAliases = operations.map(\.facts.aliases).max() ?? 0
        self.mostRootFields = mostRootFields
    }

    /// The names of the document's operations, in order (nil for an anonymous one).
    public var operationNames: [String?] { operations.map(\.name) }

    /// Throws when the document, analysed under looser limits, breaks `limits`.
    func check(_ limits: AnalysisLimits) throws(AnalysisError) {
        if byteCount > limits.maxDocumentBytes {
            throw AnalysisError(.documentTooLarge(bytes: byteCount, limit: limits.maxDocumentBytes))
        }
        if deepest > limits.maxDepth { throw AnalysisError(.depthLimit(depth: deepest, limit: limits.maxDepth)) }
        if mostAliases > limits.maxAliases { throw AnalysisError(.aliasLimit(count: mostAliases, limit: limits.maxAliases)) }
        if mostRootFields > limits.maxRootFields {
            throw AnalysisError(.rootFieldLimit(count: mostRootFields, limit: limits.maxRootFields))
        }
    }

    /// The operation the request runs, chosen by `operationName` (required when
    /// the document holds several), its root-field arguments resolved against
    /// `variables`. A mutation over GET is refused (GraphQL over HTTP: 405).
    public func operation(
        named operationName: String?, variables: JSONValue?, transport: RequestTransport = .post
    ) throws(AnalysisError) -> OperationAnalysis {
        let summary: OperationSummary
        if let operationName {
            guard let match = operations.first(where: { $0.name == operationName }) else {
                throw AnalysisError(.unknownOperation(operationName))
            }
            summary = match
        } else {
            guard operations.count == 1, let only = operations.first else { throw AnalysisError(.operationNameRequired) }
            summary = only
        }
        if summary.kind == .mutation, transport == .get { throw AnalysisError(.mutationOverGET) }
        var rootFields = summary.resolved
        if !summary.isConstant {
            rootFields.reserveCapacity(summary.rootFields.count)
            for template in summary.rootFields {
                var field = template.field
                for argument in template.variableArguments {
                    if let value = argument.value.resolve(variables) { field.arguments.append(argument.name, value) }
                }
                rootFields.append(field)
            }
        }
        return OperationAnalysis(
            kind: summary.kind, name: summary.name, rootFields: rootFields, depth: summary.facts.depth,
            aliasCount: summary.facts.aliases, isIntrospection: summary.facts.introspection, documentHash: hash
        )
    }
}
