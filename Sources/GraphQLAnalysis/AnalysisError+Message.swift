extension AnalysisError {
    /// One sentence for the client, naming the offending part of its request.
    public var message: String {
        switch kind {
        case .invalidJSON(let detail): "the request body is not valid JSON: \(detail)"
        case .duplicateKey(let key): "the request JSON repeats the key \"\(key)\"; each key may appear once"
        case .notAnObject: "the request body must be a JSON object with a \"query\""
        case .batchNotSupported: "batched operations are not supported; send one operation per request"
        case .queryNotString: "\"query\" must be a string"
        case .operationNameNotString: "\"operationName\" must be a string"
        case .variablesNotObject: "\"variables\" must be a JSON object"
        case .extensionsNotObject: "\"extensions\" must be a JSON object"
        case .persistedQueryHashNotString: "\"extensions.persistedQuery.sha256Hash\" must be a string"
        case .missingQuery: "the request has no \"query\" and no persisted query hash"
        case .invalidQueryString(let detail): "the URL query string is malformed: \(detail)"

        case .syntax(let line, let column, let description): "GraphQL syntax error at \(line):\(column): \(description)"
        case .documentTooLarge(let bytes, let limit): "the GraphQL document is \(bytes) bytes; the limit is \(limit)"
        case .nestingLimit(let limit): "the GraphQL document nests brackets more than \(limit) deep"
        case .depthLimit(let depth, let limit): "the operation is \(depth) fields deep; the limit is \(limit)"
        case .aliasLimit(let count, let limit): "the operation uses \(count) aliases; the limit is \(limit)"
        case .rootFieldLimit(_, let limit): "the operation selects more root fields than the limit of \(limit)"
        case .notExecutable: "the document may hold only operations and fragments, not type definitions"
        case .noOperation: "the document holds no operation"
        case .unknownOperation(let name): "the document has no operation named \"\(name)\""
        case .operationNameRequired: "the document holds several operations; \"operationName\" must choose one"
        case .anonymousOperationNotAlone: "an anonymous operation must be the only operation in its document"
        case .duplicateOperation(let name): "the document defines the operation \"\(name)\" more than once"
        case .duplicateFragment(let name): "the document defines the fragment \"\(name)\" more than once"
        case .unknownFragment(let name): "the document spreads the undefined fragment \"\(name)\""
        case .fragmentCycle(let name): "the fragment \"\(name)\" spreads itself (a cycle)"
        case .undefinedVariable(let name): "the variable $\(name) is used but not declared by the operation"
        case .duplicateArgument(let field, let argument): "\"\(field)\" is given the argument \"\(argument)\" more than once"
        case .mutationOverGET: "mutations may not be sent with GET; use POST"

        case .unknownMutationField(let name): "the API has no mutation field \"\(name)\""
        case .budgetDeclarationMissing(let name): "the mutation field \"\(name)\" declares no @budget"
        case .invalidArgument(let field, let argument, let reason): "argument \"\(argument)\" of \"\(field)\": \(reason)"
        case .estimateOverflow(let field): "the cost estimate of \"\(field)\" exceeds what 64-bit micro-dollars hold"
        }
    }
}
