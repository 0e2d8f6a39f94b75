import Kit

/// Turns a GraphQL-over-HTTP request (a POST JSON body or GET query
/// parameters) into a `GraphQLRequest`, or a typed `AnalysisError`.
public enum RequestParser {
    /// A POST body: `{"query","operationName","variables","extensions"}`.
    /// A JSON array (a batch) is refused: one budget check must never cover
    /// several mutations. Unknown top-level keys are ignored.
    public static func parsePOST(body: [UInt8]) throws(AnalysisError) -> GraphQLRequest {
        let json = try parseJSON(body)
        switch json {
        case .array: throw AnalysisError(.batchNotSupported)
        case .object: break
        default: throw AnalysisError(.notAnObject)
        }
        let query: String?
        switch json["query"] {
        case nil, .null?: query = nil
        case .string(let text)?: query = text
        default: throw AnalysisError(.queryNotString)
        }
        let operationName: String?
        switch json["operationName"] {
        case nil, .null?: operationName = nil
        case .string(let name)?: operationName = name
        default: throw AnalysisError(.operationNameNotString)
        }
        let variables = try objectOrNil(json["variables"], else: .variablesNotObject)
        let extensions = try objectOrNil(json["extensions"], else: .extensionsNotObject)
        return try finish(query: query, operationName: operationName, variables: variables, extensions: extensions, transport: .post)
    }

    /// A GET request's query string (the part after `?`, still percent-encoded):
    /// `query`, `operationName`, and `variables`/`extensions` as JSON text.
    /// A repeated parameter is refused rather than guessing which one counts.
    public static func parseGET(query queryString: String) throws(AnalysisError) -> GraphQLRequest {
        let parameters = try QueryString.parse(queryString)
        var seen: Set<String> = []
        var values: [String: String] = [:]
        for (name, value) in parameters {
            guard seen.insert(name).inserted else {
                throw AnalysisError(.invalidQueryString("the parameter \"\(name)\" is repeated"))
            }
            values[name] = value
        }
        let variables = try jsonParameter(values["variables"], named: "variables", else: .variablesNotObject)
        let extensions = try jsonParameter(values["extensions"], named: "extensions", else: .extensionsNotObject)
        let operationName = values["operationName"].flatMap { $0.isEmpty ? nil : $0 }
        return try finish(
            query: values["query"], operationName: operationName, variables: variables,
            extensions: extensions, transport: .get
        )
    }

    /// The body's JSON, refused in the analysis' words.
    private static func parseJSON(_ bytes: [UInt8]) throws(AnalysisError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw AnalysisError(json: error)
        }
    }

    /// `value` when it is an object, nil when absent or null, else `failure`.
    private static func objectOrNil(_ value: JSONValue?, else failure: AnalysisError.Kind) throws(AnalysisError) -> JSONValue? {
        switch value {
        case nil, .null?: return nil
        case .object?: return value
        default: throw AnalysisError(failure)
        }
    }

    /// A GET parameter holding JSON text that must be an object (absent or empty means none).
    private static func jsonParameter(
        _ text: String?, named name: String, else failure: AnalysisError.Kind
    ) throws(AnalysisError) -> JSONValue? {
        guard let text, !text.isEmpty else { return nil }
        let value: JSONValue
        do {
            value = try parseJSON(Array(text.utf8))
        } catch {
            // Say which parameter held the bad JSON.
            if case .invalidJSON(let detail) = error.kind { throw AnalysisError(.invalidJSON("in \"\(name)\": \(detail)")) }
            throw error
        }
        return try objectOrNil(value, else: failure)
    }

    private static func finish(
        query: String?, operationName: String?, variables: JSONValue?, extensions: JSONValue?, transport: RequestTransport
    ) throws(AnalysisError) -> GraphQLRequest {
        var hash: String?
        if let persisted = extensions?["persistedQuery"], !persisted.isNull {
            switch persisted["sha256Hash"] {
            case .string(let text)?: hash = text
            case nil, .null?: hash = nil
            default: throw AnalysisError(.persistedQueryHashNotString)
            }
        }
        guard query != nil || hash != nil else { throw AnalysisError(.missingQuery) }
        return GraphQLRequest(
            query: query, operationName: operationName, variables: variables,
            extensions: extensions, persistedQueryHash: hash, transport: transport
        )
    }
}
