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
        load(try SchemaDocument.parse(sdl: sdl, fileName: fileName))
    }

    /// The mutation fields of a parsed document.
    static func load(_ schema: SchemaDocument) -> MutationSchema {
        let typeName = schema.rootTypeName(.mutation)
        return MutationSchema(typeName: typeName, fields: schema.fields(ofType: typeName))
    }

    /// 1-based line and column of a node, (1, 1) when unknown.
    static func position(of location: Location?) -> SourcePosition {
        guard let token = location?.startToken else { return SourcePosition(line: 1, column: 1) }
        return SourcePosition(line: token.line, column: token.column)
    }
}
