import Downshift
import GraphQLAnalysis

/// Each root field's class for the downshift ladder, from the SDL's `@downshift` and
/// `@cacheable` (`DownshiftCatalog`), with its `hopsArg` value read from this request.
/// Built once at start: a request does one dictionary lookup per root field and allocates
/// nothing unless the field has a `hopsArg` (bench/downshift.sh measures it).
struct DownshiftClassifier: Sendable {
    let queries: [String: (field: DownshiftField, hopsArgument: String?)]
    let mutations: [String: (field: DownshiftField, hopsArgument: String?)]
    let ttls: [String: Int]

    init(catalog: DownshiftCatalog) {
        func prepared(_ fields: [String: FieldClass]) -> [String: (field: DownshiftField, hopsArgument: String?)] {
            fields.mapValues { declared in
                (DownshiftField(name: "", priority: declared.priority.rawValue, tags: Set(declared.tags), cacheable: declared.cacheTTLSeconds != nil),
                 declared.hopsArgument)
            }
        }
        queries = prepared(catalog.queryFields)
        mutations = prepared(catalog.mutationFields)
        ttls = catalog.queryFields.compactMapValues(\.cacheTTLSeconds)
    }

    func classify(_ kind: OperationKind, _ field: RootField) -> DownshiftField {
        let table = kind == .mutation ? mutations : kind == .query ? queries : [:]
        guard let entry = table[field.name] else { return DownshiftField(name: field.name) }
        var prepared = entry.field
        prepared.name = field.name
        if let argument = entry.hopsArgument { prepared.hops = field.arguments[argument]?.int64Value }
        return prepared
    }

    /// A Query root field's `@cacheable` TTL.
    func cacheTTL(_ field: RootField) -> Int? {
        ttls[field.name]
    }
}
