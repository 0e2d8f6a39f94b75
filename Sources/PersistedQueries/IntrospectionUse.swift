/// How much of an operation is introspection, from its root fields.
public enum IntrospectionUse: Sendable, Hashable {
    /// No `__schema` or `__type` root field.
    case none
    /// Every root field is `__schema`, `__type` or `__typename`: a pure introspection query.
    case only
    /// Introspection next to ordinary fields; the ordinary fields still need the allowlist.
    case mixed

    /// Classifies an operation by its root field names, after fragment spreads are expanded
    /// (a fragment on the root type can hold `__schema` too).
    public init(rootFields: some Sequence<String>) {
        var introspects = false
        var ordinary = false
        for field in rootFields {
            switch field {
            case "__schema", "__type": introspects = true
            case "__typename": break
            default: ordinary = true
            }
        }
        self = !introspects ? .none : (ordinary ? .mixed : .only)
    }
}
