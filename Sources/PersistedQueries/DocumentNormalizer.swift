import GraphQL

/// The normalized form behind the hash-drift fix: two documents that differ only in comments,
/// insignificant whitespace or the order of their definitions get the same normalized hash.
///
/// The form is GraphQLSwift's printer applied to each definition, operations first (by name,
/// the anonymous one first), then fragments (by name), joined by a blank line. The printer
/// keeps every name, argument, value, directive and selection in order, so any change a
/// server could observe changes the hash.
public enum DocumentNormalizer {
    /// Bracket nesting refused before parsing (see `NestingScan`).
    public static let maxNesting = 128

    /// Parses `source`, refusing over-deep nesting before the recursive parser sees it.
    public static func parse(_ source: String) throws(NormalizationError) -> Document {
        guard NestingScan.depth(of: source, limit: maxNesting) != nil else {
            throw .tooDeep(limit: maxNesting)
        }
        do {
            return try GraphQL.parse(source: source, noLocation: false)
        } catch let error as GraphQLError {
            let location = error.locations.first
            throw .syntax(message: error.message, line: location?.line ?? 0, column: location?.column ?? 0)
        } catch {
            throw .syntax(message: "\(error)", line: 0, column: 0)
        }
    }

    /// The canonical text of an executable document.
    public static func normalizedText(_ document: Document) throws(NormalizationError) -> String {
        var operations: [(key: String, text: String)] = []
        var fragments: [(key: String, text: String)] = []
        for definition in document.definitions {
            if let operation = definition as? OperationDefinition {
                operations.append((operation.name?.value ?? "", print(ast: operation)))
            } else if let fragment = definition as? FragmentDefinition {
                fragments.append((fragment.name.value, print(ast: fragment)))
            } else {
                throw .notExecutable(kind: "\(definition.kind)")
            }
        }
        guard !operations.isEmpty else { throw .noOperation }
        // Ties (duplicate names, which validation would refuse) fall back to the text so the
        // order never depends on the input's order.
        let byKey: ((key: String, text: String), (key: String, text: String)) -> Bool = {
            $0.key != $1.key ? $0.key < $1.key : $0.text < $1.text
        }
        return (operations.sorted(by: byKey) + fragments.sorted(by: byKey)).map(\.text).joined(separator: "\n\n")
    }

    /// The SHA-256 (lowercase hex) of `normalizedText(document)`.
    public static func normalizedHash(_ document: Document) throws(NormalizationError) -> String {
        DocumentHash.exact(try normalizedText(document))
    }

    /// Parses `source` and returns its normalized hash.
    public static func normalizedHash(source: String) throws(NormalizationError) -> String {
        try normalizedHash(parse(source))
    }
}
