import GraphQLAnalysis

/// What operation the request runs: the GraphQL-over-HTTP parameters, the
/// document (from the parse cache, keyed by its SHA-256), the chosen
/// operation with its arguments resolved, within the configured limits.
///
/// An Apollo APQ request that sends only `extensions.persistedQuery.sha256Hash`
/// gets its document from `persistedBody` (the allowlist's stored bodies); the
/// forwarded request then carries the document, since the upstream knows no
/// hashes. An unknown hash is `PERSISTED_QUERY_NOT_FOUND`, which Apollo clients
/// answer by sending the full query.
public struct ParseStep: AdmissionStep {
    public let name = "parse"
    let cache: DocumentCache
    let limits: AnalysisLimits
    let persistedBody: @Sendable (String) -> String?

    public init(cache: DocumentCache, limits: AnalysisLimits, persistedBody: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.cache = cache
        self.limits = limits
        self.persistedBody = persistedBody
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        do throws(AnalysisError) {
            var request = context.head.method == "GET"
                ? try RequestParser.parseGET(query: context.head.query ?? "")
                : try RequestParser.parsePOST(body: context.body)
            if request.query == nil, let hash = request.persistedQueryHash {
                guard let body = persistedBody(hash) else {
                    // Apollo clients recognise this exact message and retry with the full query.
                    return .reject(Rejection(.persistedQueryNotFound, "PersistedQueryNotFound"))
                }
                request.query = body
                APQSubstitution.carryDocument(body, of: request, into: &context)
            }
            context.graphQLRequest = request
            let document = try cache.document(for: request.query ?? "", limits: limits)
            context.document = document
            context.operation = try document.operation(
                named: request.operationName, variables: request.variables, transport: request.transport)
            return .continue
        } catch {
            return .reject(Rejection(analysisError: error))
        }
    }
}

extension Rejection {
    /// The SPEC §1 rejection for an analysis error (same code names).
    public init(analysisError error: AnalysisError) {
        let code = Code(rawValue: error.code.rawValue) ?? .badRequest
        var details: [(String, Detail)] = []
        if let field = error.field { details.append(("field", .string(field))) }
        let headers: [(String, String)] = code == .methodNotAllowed ? [("Allow", "POST")] : []
        self.init(code, error.message, status: error.httpStatus, details: details, headers: headers)
    }
}
