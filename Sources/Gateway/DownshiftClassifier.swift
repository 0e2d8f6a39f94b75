import Downshift
import GraphQLAnalysis

/// Each root field's class for the downshift ladder, from the SDL's `@downshift` and
/// `@cacheable` (`DownshiftCatalog`), with its `hopsArg` value read from this request.
struct DownshiftClassifier: Sendable {
    let catalog: DownshiftCatalog

    func classify(_ kind: OperationKind, _ field: RootField) -> DownshiftField {
        let declared = catalog.classify(kind, field: field.name)
        return DownshiftField(
            name: field.name, priority: declared.priority.rawValue, tags: Set(declared.tags),
            hops: declared.hopsArgument.flatMap { field.arguments[$0]?.int64Value },
            cacheable: declared.cacheTTLSeconds != nil)
    }

    /// A Query root field's `@cacheable` TTL.
    func cacheTTL(_ field: RootField) -> Int? {
        catalog.classify(.query, field: field.name).cacheTTLSeconds
    }
}
