import Kit

/// Whether an upstream GraphQL response body reports errors, for the `hasErrors` flag of
/// `ResponseCache.store`.
///
/// `store` itself never parses JSON: it runs under the cache's lock on the request path.
/// A caller that does not already know (from its own reading of the response) calls this
/// first, outside the lock; it parses with `Kit`'s strict parser, the package's one JSON.
public enum GraphQLResponseErrors {
    /// True when the body has a non-null top-level `errors` member, and also when it is
    /// not a JSON object at all: a body the gateway cannot read is not one it may replay.
    public static func present(in body: [UInt8]) -> Bool {
        guard let document = try? JSONValue.parse(body), document.objectMembers != nil else { return true }
        guard let errors = document["errors"] else { return false }
        return !errors.isNull
    }
}
