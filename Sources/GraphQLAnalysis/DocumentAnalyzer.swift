import GraphQL
import Crypto
import Kit

/// Parses a query text and checks it against the limits: size first, then
/// bracket nesting on the raw text (so the parser never sees a document deep
/// enough to overflow its stack), then the parse, then definitions,
/// fragments, depth, aliases and root fields of every operation.
enum DocumentAnalyzer {
    /// Analyses `query`, whose SHA-256 hex is `hash`.
    static func analyze(_ query: String, hash: String, limits: AnalysisLimits) throws(AnalysisError) -> AnalyzedDocument {
        let byteCount = query.utf8.count
        guard byteCount <= limits.maxDocumentBytes else {
            throw AnalysisError(.documentTooLarge(bytes: byteCount, limit: limits.maxDocumentBytes))
        }
        let nesting = limits.effectiveNesting
        if NestingScanner.exceeds(query, limit: nesting) { throw AnalysisError(.nestingLimit(limit: nesting)) }
        let document = try parseDocument(query)

        var operations: [OperationDefinition] = []
        var fragments: [String: FragmentDefinition] = [:]
        for definition in document.definitions {
            if let operation = definition as? OperationDefinition {
                operations.append(operation)
            } else if let fragment = definition as? FragmentDefinition {
                let name = fragment.name.value
                guard fragments[name] == nil else { throw AnalysisError(.duplicateFragment(name)) }
                fragments[name] = fragment
            } else {
                throw AnalysisError(.notExecutable)
            }
        }
        guard !operations.isEmpty else { throw AnalysisError(.noOperation) }
        var names: Set<String> = []
        for operation in operations {
            guard let name = operation.name?.value else {
                if operations.count > 1 { throw AnalysisError(.anonymousOperationNotAlone) }
                continue
            }
            guard names.insert(name).inserted else { throw AnalysisError(.duplicateOperation(name)) }
        }

        // Every fragment is walked, used or not: a cycle anywhere makes the document invalid.
        var walker = SelectionWalker(fragments: fragments, nestingLimit: nesting)
        for name in fragments.keys.sorted() {
            _ = try walker.facts(ofFragment: name)
        }
        var summaries: [AnalyzedDocument.OperationSummary] = []
        var mostRootFields = 0
        for operation in operations {
            let facts = try walker.facts(of: operation.selectionSet)
            if facts.depth > limits.maxDepth { throw AnalysisError(.depthLimit(depth: facts.depth, limit: limits.maxDepth)) }
            if facts.aliases > limits.maxAliases {
                throw AnalysisError(.aliasLimit(count: facts.aliases, limit: limits.maxAliases))
            }
            var defaults: [String: JSONValue?] = [:]
            for definition in operation.variableDefinitions {
                defaults[definition.variable.name.value] = .some(definition.defaultValue.map(ArgumentTemplate.constantJSON))
            }
            var collector = RootFieldCollector(fragments: fragments, limit: limits.maxRootFields, defaults: defaults)
            try collector.collect(operation.selectionSet)
            if let name = collector.undeclared.first { throw AnalysisError(.undefinedVariable(name)) }
            mostRootFields = max(mostRootFields, collector.visited)
            let isConstant = collector.fields.allSatisfy(\.variableArguments.isEmpty)
            summaries.append(
                AnalyzedDocument.OperationSummary(
                    kind: OperationKind(operation.operation), name: operation.name?.value, facts: facts,
                    rootFields: collector.fields, isConstant: isConstant,
                    resolved: isConstant ? collector.fields.map(\.field) : []
                )
            )
        }
        return AnalyzedDocument(
            document: document, hash: hash, byteCount: byteCount, operations: summaries, mostRootFields: mostRootFields
        )
    }

    /// The parser's document, or its syntax error with line and column.
    static func parseDocument(_ text: String) throws(AnalysisError) -> Document {
        do {
            // No locations: nodes then hold no tokens, so cached documents stay small.
            return try parse(source: text, noLocation: true)
        } catch let error as GraphQLError {
            throw AnalysisError(SyntaxErrorText.kind(of: error))
        } catch {
            throw AnalysisError(.syntax(line: 1, column: 1, description: "\(error)"))
        }
    }
}

extension OperationKind {
    init(_ type: GraphQL.OperationType) {
        switch type {
        case .query: self = .query
        case .mutation: self = .mutation
        case .subscription: self = .subscription
        }
    }
}
