import GraphQL

/// An SDL document parsed with locations, and its root types as
/// `schema { query: … mutation: … }` names them (`Query`/`Mutation` by default).
/// Shared by the `@budget` and `@downshift` readers, so both see the same fields.
struct SchemaDocument {
    var document: Document

    /// Parses `sdl`; a syntax error says where, a bracket bomb is refused before parsing.
    static func parse(sdl: String, fileName: String) throws(SchemaError) -> SchemaDocument {
        if NestingScanner.exceeds(sdl, limit: NestingScanner.ceiling) {
            throw SchemaError(file: fileName, kind: .tooDeep(limit: NestingScanner.ceiling))
        }
        do {
            return SchemaDocument(document: try GraphQL.parse(source: Source(body: sdl, name: fileName)))
        } catch let error as GraphQLError {
            guard case .syntax(let line, let column, let description) = SyntaxErrorText.kind(of: error) else {
                throw SchemaError(file: fileName, kind: .syntax(line: 1, column: 1, description: error.message))
            }
            throw SchemaError(file: fileName, kind: .syntax(line: line, column: column, description: description))
        } catch {
            throw SchemaError(file: fileName, kind: .syntax(line: 1, column: 1, description: "\(error)"))
        }
    }

    /// The name of the root type for `operation`: the last `schema`/`extend schema`
    /// entry for it, else the conventional name.
    func rootTypeName(_ operation: OperationType) -> String {
        var name: String
        switch operation {
        case .query: name = "Query"
        case .mutation: name = "Mutation"
        case .subscription: name = "Subscription"
        }
        for definition in document.definitions {
            let operationTypes: [OperationTypeDefinition]
            if let schema = definition as? SchemaDefinition {
                operationTypes = schema.operationTypes
            } else if let schemaExtension = definition as? SchemaExtensionDefinition {
                operationTypes = schemaExtension.definition.operationTypes
            } else {
                continue
            }
            for operationType in operationTypes where operationType.operation == operation {
                name = operationType.type.name.value
            }
        }
        return name
    }

    /// Every object type definition and `extend type`, in source order.
    var objectTypes: [ObjectTypeDefinition] {
        document.definitions.compactMap { definition in
            if let object = definition as? ObjectTypeDefinition { return object }
            if let typeExtension = definition as? TypeExtensionDefinition { return typeExtension.definition }
            return nil
        }
    }

    /// The fields of type `typeName` across its definition and extensions, in source order.
    func fields(ofType typeName: String) -> [MutationSchema.FieldEntry] {
        objectTypes.filter { $0.name.value == typeName }.flatMap { objectType in
            objectType.fields.map { MutationSchema.FieldEntry(definition: $0, position: MutationSchema.position(of: $0.name.loc)) }
        }
    }
}
