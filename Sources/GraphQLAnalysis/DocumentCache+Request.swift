extension DocumentCache {
    /// The operation `request` runs: its document from the cache (or parsed
    /// and checked), the operation chosen and its arguments resolved. A
    /// request carrying only a persisted-query hash must have had its text
    /// filled in by the allowlist step first.
    public func analyze(_ request: GraphQLRequest, limits: AnalysisLimits = .default) throws(AnalysisError) -> OperationAnalysis {
        guard let query = request.query else { throw AnalysisError(.missingQuery) }
        let document = try document(for: query, limits: limits)
        return try document.operation(named: request.operationName, variables: request.variables, transport: request.transport)
    }
}
