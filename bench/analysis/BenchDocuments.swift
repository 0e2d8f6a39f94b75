import Kit

/// The documents the benchmark analyses: a small bulk mutation with a
/// variable list, and two ~4 KB mutations: a usual one (few root fields,
/// large selection sets through fragments) and one of many aliased root
/// fields (the most resolving and pricing per byte). The analysis does not
/// validate against the schema, so the selection sets' fields need not exist
/// in the demo schema; the root fields do, so the estimate prices them.
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

    /// ~4 KB the usual way: a few root fields returning large selection sets through fragments.
    static let wide: Case = {
        var query = """
            # A client's import screen: create, update, merge and bulk-tag, then re-read what changed.
            fragment Audit on AuditInfo { createdAt createdBy updatedAt updatedBy version source { system reference importedAt } }
            fragment EntityCard on Entity {
              id tenantId name type properties createdAt
              audit { ...Audit }
              owner { id displayName email team { id name lead { id displayName } } }
              tags { id label colour createdAt }
            }

            mutation ImportScreen($ids: [ID!]!, $tenant: String, $properties: String!, $name: String!) {
              created: createEntity(name: $name, type: "person", tenantId: $tenant, properties: $properties) {
                ...EntityCard
                relationships(first: 20) { edges { cursor node { id kind fromId toId createdAt audit { ...Audit } } } pageInfo { hasNextPage endCursor } }
              }
              updated: updateEntity(id: "entity-1", name: "renamed", properties: $properties) { ...EntityCard }
              merged: mergeEntities(sourceId: "entity-2", targetId: "entity-3") {
                ...EntityCard
                mergedFrom { id name type createdAt audit { ...Audit } }
              }
              tagged: bulkUpdateEntities(ids: $ids, properties: $properties)

            """
        var index = 0
        while query.utf8.count < 4_000 {
            index += 1
            query += "  # note \(index): the client sends comments and whitespace too, which the parser still has to skip.\n"
        }
        query += "}\n"
        let variables = JSONValue.object([
            JSONMember("ids", .array((1...50).map { .string("entity-\($0)") })),
            JSONMember("tenant", .string("demo")),
            JSONMember("properties", .string("{\"checked\":true}")),
            JSONMember("name", .string("imported")),
        ])
        return make(label: "4 KB, 4 root fields", query: query, operationName: "ImportScreen", variables: variables)
    }()

    /// ~4 KB the worst way for the estimate: dozens of aliased root fields, each resolved and priced.
    static let manyRoots: Case = {
        var query = """
            # Many root fields in one mutation, with shared fragments.
            fragment EntityParts on Entity { id tenantId name type properties createdAt }
            fragment RelationshipParts on Relationship { id fromId toId kind }

            mutation Import($ids: [ID!]!, $tenant: String, $properties: String!) {

            """
        var index = 0
        while query.utf8.count < 4_000 {
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
        return make(label: "4 KB, \(index) root fields", query: query, operationName: "Import", variables: variables)
    }()

    private static func make(label: String, query: String, operationName: String?, variables: JSONValue) -> Case {
        var members = [JSONMember("query", .string(query)), JSONMember("variables", variables)]
        if let operationName { members.append(JSONMember("operationName", .string(operationName))) }
        let body = Array(JSONValue.object(members).serialized.utf8)
        return Case(label: label, query: query, operationName: operationName, variables: variables, body: body)
    }
}
