import GraphQL

/// The mutation fields of an SDL document: `type Mutation` and every
/// `extend type Mutation` (or the type `schema { mutation: … }` names).
struct MutationSchema {
    /// One field definition and where its name is.
    struct FieldEntry {
        var definition: FieldDefinition
        var position: SourcePosition
    }

    var typeName: String
    var fields: [FieldEntry]

    /// Parses `sdl` (with locations, for the linter's positions).
    static func load(sdl: String, fileName: String) throws(SchemaError) -> MutationSchema {
        if NestingScanner.exceeds(sdl, limit: NestingScanner.ceiling) {
            throw SchemaError(file: fileName, kind: .tooDeep(limit: NestingScanner.ceiling))
        }
        let document: Document
        do {
            document = try parse(source: Source(body: sdl, name: fileName))
        } catch let error as GraphQLError {
            guard case .syntax(let line, let column, let description) = SyntaxErrorText.kind(of: error) else {
                throw SchemaError(file: fileName, kind: .syntax(line: 1, column: 1, description: error.message))
            }
            throw SchemaError(file: fileName, kind: .syntax(line: line, column: column, description: description))
        } catch {
            throw SchemaError(file: fileName, kind: .syntax(line: 1, column: 1, description: "\(error)"))
        }

        var typeName = "Mutation"
        for definition in document.definitions {
            let operationTypes: [OperationTypeDefinition]
            if let schema = definition as? SchemaDefinition {
                operationTypes = schema.operationTypes
            } else if let schemaExtension = definition as? SchemaExtensionDefinition {
                operationTypes = schemaExtension.definition.operationTypes
            } else {
                continue
            }
            for operationType in operationTypes where operationType.operation == .mutation {
                typeName = operationType.type.name.value
            }
        }

        var fields: [FieldEntry] = []
        for definition in document.definitions {
            let objectType: ObjectTypeDefinition
            if let object = definition as? ObjectTypeDefinition {
                objectType = object
            } else if let typeExtension = definition as? TypeExtensionDefinition {
                objectType = typeExtension.definition
            } else {
                continue
            }
            guard objectType.name.value == typeName else { continue }
            for field in objectType.fields {
                fields.append(FieldEntry(definition: field, position: position(of: field.name.loc)))
            }
        }
        return MutationSchema(typeName: typeName, fields: fields)
    }

    /// 1-based line and column of a node, (1, 1) when unknown.
    static func position(of location: Location?) -> SourcePosition {
        guard let token = location?.startToken else { return SourcePosition(line: 1, column: 1) }
        return SourcePosition(line: token.line, column: token.column)
    }
}
