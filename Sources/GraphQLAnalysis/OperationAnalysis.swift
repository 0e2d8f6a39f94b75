/// The kind of a GraphQL operation.
public enum OperationKind: String, Sendable, Equatable {
    case query
    case mutation
    case subscription
}

/// One root field occurrence of an operation, arguments resolved.
public struct RootField: Sendable, Equatable {
    public var name: String
    public var alias: String?
    /// Arguments as written, with variables (and their defaults) substituted;
    /// an argument whose variable was not sent is absent. Enum values appear as strings.
    public var arguments: Arguments

    public init(name: String, alias: String? = nil, arguments: Arguments = [:]) {
        self.name = name
        self.alias = alias
        self.arguments = arguments
    }

    /// The key of the field in the response: the alias, else the name.
    public var responseKey: String { alias ?? name }
}

/// What the admission steps need to know about the operation a request runs.
public struct OperationAnalysis: Sendable, Equatable {
    public var kind: OperationKind
    public var name: String?
    /// Root fields in document order, root-level fragments expanded; every
    /// occurrence counts (two `deleteEntity` are two), `__typename` is left out.
    public var rootFields: [RootField]
    /// Deepest field nesting (a root field is 1), fragments followed.
    public var depth: Int
    /// Aliased fields, each use of a fragment counted.
    public var aliasCount: Int
    /// The operation selects `__schema` or `__type` somewhere (fragments followed).
    public var isIntrospection: Bool
    /// SHA-256 of the query text, 64 lowercase hex characters (the APQ hash).
    public var documentHash: String

    public init(
        kind: OperationKind, name: String?, rootFields: [RootField], depth: Int, aliasCount: Int,
        isIntrospection: Bool, documentHash: String
    ) {
        self.kind = kind
        self.name = name
        self.rootFields = rootFields
        self.depth = depth
        self.aliasCount = aliasCount
        self.isIntrospection = isIntrospection
        self.documentHash = documentHash
    }
}
