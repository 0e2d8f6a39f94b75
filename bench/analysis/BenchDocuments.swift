import GraphQLAnalysis

/// The documents the benchmark analyses: a small bulk mutation with a
/// variable list, and a ~4 KB mutation of aliased root fields, fragments and
/// selection sets.
enum BenchDocuments {
    struct Case {
        var label: String
        var query: String
        var operationName: String?
        var variables: JSONValue?
        /// The POST body carrying it.
        var body: [UInt8]
    }

    static let small: Case = {
        let query = "mutation Bulk($ids: [ID!]!) { bulkDeleteEntities(ids: $ids) }"
        let variables = JSONValue.object([JSONMember("ids", .array((1...20).map { .string("e\($0)") }))])
        return make(label: "small", query: query, operationName: "Bulk", variables: variables)
    }()

    static let large: Case = {
        var query = """
            # A realistic client document: one mutation, several root fields, shared fragments.
            fragment EntityParts on Entity { id tenantId name type properties createdAt }
            fragment RelationshipParts on Relationship { id fromId toId kind }

            mutation Import($ids: [ID!]!, $tenant: String, $properties: String!) {

            """
        var index = 0
        while query.utf8.count < 3_700 {
            index += 1
            switch index % 4 {
            case 0:
                query += "  created\(index): createEntity(name: \"imported entity number \(index)\", type: \"person\", tenantId: $tenant, properties: \"{\\\"source\\\":\\\"bench\\\"}\") { ...EntityParts }\n"
            case 1:
                query += "  updated\(index): updateEntity(id: \"entity-\(index)\", name: \"renamed \(index)\", properties: $properties) { id name properties createdAt }\n"
            case 2:
                query += "  linked\(index): createRelationship(fromId: \"entity-\(index)\", toId: \"entity-\(index + 1)\", kind: \"knows\") { ...RelationshipParts }\n"
            default:
                query += "  bulk\(index): bulkUpdateEntities(ids: $ids, properties: $properties)\n"
            }
        }
        query += "  __typename\n}\n"
        let variables = JSONValue.object([
            JSONMember("ids", .array((1...50).map { .string("entity-\($0)") })),
            JSONMember("tenant", .string("demo")),
            JSONMember("properties", .string("{\"checked\":true}")),
        ])
        return make(label: "4 KB", query: query, operationName: "Import", variables: variables)
    }()

    private static func make(label: String, query: String, operationName: String?, variables: JSONValue) -> Case {
        var members = [JSONMember("query", .string(query)), JSONMember("variables", variables)]
        if let operationName { members.append(JSONMember("operationName", .string(operationName))) }
        let body = Array(JSONValue.object(members).serialized.utf8)
        return Case(label: label, query: query, operationName: operationName, variables: variables, body: body)
    }
}
