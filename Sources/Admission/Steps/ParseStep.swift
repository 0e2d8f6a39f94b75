import Contract
import GraphQLAnalysis

/// What operation the request runs: the GraphQL-over-HTTP parameters, the
/// document (from the parse cache, keyed by its SHA-256), the chosen
/// operation with its arguments resolved, within the configured limits.
///
/// An Apollo APQ request that sends only `extensions.persistedQuery.sha256Hash`
/// gets its document from `persistedBody` (the allowlist's stored bodies); the
/// forwarded request then carries the document, since the upstream knows no
/// hashes. A hash the allowlist does not hold is looked up in the APQ registry
/// (`registeredBody`, which answers only where the document would be admitted
/// anyway). An unknown hash is `PERSISTED_QUERY_NOT_FOUND`, which Apollo clients
/// answer by sending the full query.
public struct ParseStep: AdmissionStep {
    public let name = "parse"
    let cache: DocumentCache
    let limits: AnalysisLimits
    let persistedBody: @Sendable (String) -> String?
    let registeredBody: (@Sendable (_ hash: String, _ tenant: String?) async -> String?)?

    public init(
        cache: DocumentCache, limits: AnalysisLimits, persistedBody: @escaping @Sendable (String) -> String? = { _ in nil },
        registeredBody: (@Sendable (_ hash: String, _ tenant: String?) async -> String?)? = nil
    ) {
        self.cache = cache
        self.limits = limits
        self.persistedBody = persistedBody
        self.registeredBody = registeredBody
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        do throws(AnalysisError) {
            var request = context.head.method == "GET"
                ? try RequestParser.parseGET(query: context.head.query ?? "")
                : try RequestParser.parsePOST(body: context.body)
            if request.query == nil, let hash = request.persistedQueryHash {
                var found = persistedBody(hash)
                if found == nil, let registeredBody {
                    found = await registeredBody(hash, context.tenant)
                }
                guard let body = found else {
                    // Apollo clients recognise this exact message and retry with the full query.
                    return .reject(Rejection(.persistedQueryNotFound, "PersistedQueryNotFound"))
                }
                request.query = body
                context.apqResolved = true
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
