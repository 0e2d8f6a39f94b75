import GraphQLAnalysis

/// What operation the request runs: the GraphQL-over-HTTP parameters, the
/// document (from the parse cache, keyed by its SHA-256), the chosen
/// operation with its arguments resolved, within the configured limits.
public struct ParseStep: AdmissionStep {
    public let name = "parse"
    let cache: DocumentCache
    let limits: AnalysisLimits

    public init(cache: DocumentCache, limits: AnalysisLimits) {
        self.cache = cache
        self.limits = limits
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        do throws(AnalysisError) {
            let request = context.head.method == "GET"
                ? try RequestParser.parseGET(query: context.head.query ?? "")
                : try RequestParser.parsePOST(body: context.body)
            context.graphQLRequest = request
            let operation = try cache.analyze(request, limits: limits)
            context.operation = operation
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
