import Kit

/// How a GraphQL request arrived; GraphQL over HTTP forbids mutations over GET.
public enum RequestTransport: Sendable, Equatable {
    case get
    case post
}

/// The parameters of one GraphQL-over-HTTP request, typed.
public struct GraphQLRequest: Sendable, Equatable {
    /// The document text; nil when only a persisted-query hash was sent.
    public var query: String?
    public var operationName: String?
    /// Always an object when present.
    public var variables: JSONValue?
    /// Always an object when present.
    public var extensions: JSONValue?
    /// `extensions.persistedQuery.sha256Hash` (Apollo APQ), as sent.
    public var persistedQueryHash: String?
    public var transport: RequestTransport

    public init(
        query: String?,
        operationName: String? = nil,
        variables: JSONValue? = nil,
        extensions: JSONValue? = nil,
        persistedQueryHash: String? = nil,
        transport: RequestTransport = .post
    ) {
        self.query = query
        self.operationName = operationName
        self.variables = variables
        self.extensions = extensions
        self.persistedQueryHash = persistedQueryHash
        self.transport = transport
    }
}
