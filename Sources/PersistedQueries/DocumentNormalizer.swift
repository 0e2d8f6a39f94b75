import GraphQL
import Crypto

/// The normalized form behind the hash-drift fix: two documents that differ only in comments,
/// insignificant whitespace or commas, or the order of their definitions get the same
/// normalized hash.
///
/// The form is each definition in `CanonicalPrinter`'s compact form, operations first (by
/// name, the anonymous one first), then fragments (by name), one per line. Every name,
/// argument, value, directive and selection is kept in order, so any change a server could
/// observe changes the hash.
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
        String(decoding: try normalizedBytes(document), as: UTF8.self)
    }

    /// `normalizedText` as UTF-8 bytes (what the hash covers).
    static func normalizedBytes(_ document: Document) throws(NormalizationError) -> [UInt8] {
        var operations: [(key: String, bytes: [UInt8])] = []
        var fragments: [(key: String, bytes: [UInt8])] = []
        for definition in document.definitions {
            var printer = CanonicalPrinter()
            if let operation = definition as? OperationDefinition {
                try printer.operation(operation)
                operations.append((operation.name?.value ?? "", printer.bytes))
            } else if let fragment = definition as? FragmentDefinition {
                try printer.fragment(fragment)
                fragments.append((fragment.name.value, printer.bytes))
            } else {
                throw .notExecutable(kind: "\(definition.kind)")
            }
        }
        guard !operations.isEmpty else { throw .noOperation }
        // Ties (duplicate names, which validation would refuse) fall back to the bytes so the
        // order never depends on the input's order.
        let byKey: ((key: String, bytes: [UInt8]), (key: String, bytes: [UInt8])) -> Bool = {
            $0.key != $1.key ? $0.key < $1.key : $0.bytes.lexicographicallyPrecedes($1.bytes)
        }
        var out: [UInt8] = []
        for (index, item) in (operations.sorted(by: byKey) + fragments.sorted(by: byKey)).enumerated() {
            if index > 0 { out.append(UInt8(ascii: "\n")) }
            out.append(contentsOf: item.bytes)
        }
        return out
    }

    /// The SHA-256 (lowercase hex) of `normalizedText(document)`.
    public static func normalizedHash(_ document: Document) throws(NormalizationError) -> String {
        SHA256Digest.hex(try normalizedBytes(document))
    }

    /// Parses `source` and returns its normalized hash.
    public static func normalizedHash(source: String) throws(NormalizationError) -> String {
        try normalizedHash(parse(source))
    }
}
