/// Every Query and Mutation root field's downshift class, read once from the
/// SDL's `@downshift` and `@cacheable` and shared read-only by every request.
/// A field the SDL does not classify is `FieldClass.undeclared` (P2).
public struct DownshiftCatalog: Sendable {
    /// The query root type's name (`Query` unless `schema {}` says otherwise).
    public let queryTypeName: String
    /// The mutation root type's name (`Mutation` unless `schema {}` says otherwise).
    public let mutationTypeName: String
    /// Query root fields by name (declared or not).
    public let queryFields: [String: FieldClass]
    /// Mutation root fields by name (declared or not).
    public let mutationFields: [String: FieldClass]
    /// Findings that did not stop the load (unknown tags), for the gateway to log.
    public let warnings: [Finding]

    /// Loads `sdl` (`extend type` included). Throws when the SDL does not
    /// parse or any declaration is invalid, as `BudgetCatalog` does: a
    /// gateway must not start on a schema its linter rejects.
    public init(sdl: String, fileName: String = "schema.graphql", rules: DownshiftRules = .default) throws(SchemaError) {
        let schema = try SchemaDocument.parse(sdl: sdl, fileName: fileName)
        let read = Self.read(schema, fileName: fileName, rules: rules, reportMutationDuplicates: true)
        let errors = read.findings.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw SchemaError(file: fileName, kind: .invalidDeclarations(errors))
        }
        self.init(
            queryTypeName: read.queryTypeName, mutationTypeName: read.mutationTypeName,
            queryFields: read.query, mutationFields: read.mutation, warnings: read.findings
        )
    }

    /// A catalog from classes already at hand (tests, tools).
    public init(
        queryTypeName: String = "Query", mutationTypeName: String = "Mutation",
        queryFields: [String: FieldClass] = [:], mutationFields: [String: FieldClass] = [:], warnings: [Finding] = []
    ) {
        self.queryTypeName = queryTypeName
        self.mutationTypeName = mutationTypeName
        self.queryFields = queryFields
        self.mutationFields = mutationFields
        self.warnings = warnings
    }

    /// No field classified: everything P2, no tags, nothing cacheable.
    public static let empty = DownshiftCatalog()

    /// The class of root field `field` of an operation of `kind`; undeclared
    /// (P2) for a field the schema does not classify, and for subscriptions,
    /// which the ladder does not class.
    public func classify(_ kind: OperationKind, field: String) -> FieldClass {
        let found: FieldClass? = switch kind {
        case .query: queryFields[field]
        case .mutation: mutationFields[field]
        case .subscription: nil
        }
        return found ?? .undeclared
    }

    // MARK: - Reading

    struct Read {
        var queryTypeName: String
        var mutationTypeName: String
        var query: [String: FieldClass] = [:]
        var mutation: [String: FieldClass] = [:]
        var findings: [Finding] = []
    }

    /// Reads every root field's class and every misplaced directive, findings
    /// in source order. The budget linter already reports repeated mutation
    /// fields, so it asks this pass not to report them again.
    static func read(_ schema: SchemaDocument, fileName: String, rules: DownshiftRules, reportMutationDuplicates: Bool) -> Read {
        var read = Read(queryTypeName: schema.rootTypeName(.query), mutationTypeName: schema.rootTypeName(.mutation))
        var reader = DownshiftReader(fileName: fileName, rules: rules)
        var duplicates: [Finding] = []
        for (kind, typeName) in [(OperationKind.query, read.queryTypeName), (.mutation, read.mutationTypeName)] {
            var classes: [String: FieldClass] = [:]
            for entry in schema.fields(ofType: typeName) {
                let name = entry.definition.name.value
                guard classes[name] == nil else {
                    if kind == .query || reportMutationDuplicates {
                        duplicates.append(Finding(
                            kind: .duplicateField, file: fileName, position: entry.position,
                            message: "\(kind.rawValue) field \"\(name)\" is defined more than once", field: name
                        ))
                    }
                    continue
                }
                classes[name] = reader.read(entry, root: kind)
            }
            if kind == .query { read.query = classes } else { read.mutation = classes }
        }
        let roots: Set<String> = [read.queryTypeName, read.mutationTypeName]
        for objectType in schema.objectTypes where !roots.contains(objectType.name.value) {
            for field in objectType.fields {
                reader.readMisplaced(
                    MutationSchema.FieldEntry(definition: field, position: MutationSchema.position(of: field.name.loc)),
                    typeName: objectType.name.value
                )
            }
        }
        read.findings = (reader.findings + duplicates).sorted { $0.position < $1.position }
        return read
    }
}
