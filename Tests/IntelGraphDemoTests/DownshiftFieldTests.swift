import IntelGraphDemo
import Testing

/// The fields added so every downshift tier has something to refuse:
/// `searchEntities` (heavy_read), `graphStats` (analytics),
/// `bulkImportEntities` (batch), `enrichEntity` (enricher), `summarizeEntity` (llm).
@Suite struct DownshiftFieldTests {
    private func create(_ client: DemoClient, _ name: String, type: String = "ORG", properties: String = "{}", tenant: String = "demo") async throws -> String {
        let (_, body) = try await client.post(
            "mutation($p: String) { createEntity(name: \"\(name)\", type: \"\(type)\", properties: $p) { id } }",
            variables: .object([JSONMember("p", .string(properties))]), tenant: tenant
        )
        return try DemoClient.createdId(body)
    }

    private func link(_ client: DemoClient, _ from: String, _ to: String, kind: String) async throws {
        let (_, body) = try await client.post(#"mutation { createRelationship(fromId: "\#(from)", toId: "\#(to)", kind: "\#(kind)") { id } }"#)
        #expect(body["errors"] == nil)
    }

    @Test func searchMatchesNameTypeAndPropertiesCaseInsensitively() async throws {
        let client = try DemoClient()
        _ = try await create(client, "Acme Corp")
        _ = try await create(client, "Jane", type: "PERSON", properties: #"{"employer":"ACME"}"#)
        _ = try await create(client, "Globex")
        _ = try await create(client, "acme", tenant: "other")
        let (_, body) = try await client.post(#"{ searchEntities(text: "acme") { name } }"#)
        #expect(body["data"]?["searchEntities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Acme Corp", "Jane"])
        let (_, byType) = try await client.post(#"{ searchEntities(text: "person") { name } }"#)
        #expect(byType["data"]?["searchEntities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Jane"])
        let (_, limited) = try await client.post(#"{ searchEntities(text: "", limit: 2) { name } }"#)
        #expect(limited["data"]?["searchEntities"]?.arrayValue?.count == 2)
    }

    @Test func graphStatsCountsTheCallersGraph() async throws {
        let client = try DemoClient()
        let a = try await create(client, "A")
        let b = try await create(client, "B", type: "PERSON")
        let c = try await create(client, "C", type: "PERSON")
        _ = try await create(client, "X", tenant: "other")
        try await link(client, a, b, kind: "employs")
        try await link(client, a, c, kind: "employs")
        try await link(client, b, c, kind: "knows")
        let (_, body) = try await client.post(
            "{ graphStats { entityCount relationshipCount entitiesByType { name count } relationshipsByKind { name count } } }"
        )
        let row = { (name: String, count: Int64) in JSONValue.object([JSONMember("name", .string(name)), JSONMember("count", .int(count))]) }
        #expect(body["data"]?["graphStats"] == .object([
            JSONMember("entityCount", .int(3)),
            JSONMember("relationshipCount", .int(3)),
            JSONMember("entitiesByType", .array([row("ORG", 1), row("PERSON", 2)])),
            JSONMember("relationshipsByKind", .array([row("employs", 2), row("knows", 1)])),
        ]))
    }

    @Test func bulkImportCreatesEachNameAndIsPricedPerItem() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { bulkImportEntities(names: ["a", "b", "c"], type: "LEAD") { id name type } }"#)
        #expect(body["errors"] == nil)
        let created = try #require(body["data"]?["bulkImportEntities"]?.arrayValue)
        #expect(created.compactMap { $0["name"]?.stringValue } == ["a", "b", "c"])
        #expect(created.allSatisfy { $0["type"] == .string("LEAD") })
        // 80 % of 0.005 USD per name.
        #expect(body.actualUsd == "0.012000")
        let (_, listed) = try await client.post("{ entities { name } }")
        #expect(listed["data"]?["entities"]?.arrayValue?.count == 3)

        _ = try await client.compensate(body)
        let (_, after) = try await client.post("{ entities { name } }")
        #expect(after["data"]?["entities"] == .array([]))
    }

    @Test func bulkImportRefusesAnEmptyName() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { bulkImportEntities(names: ["a", ""]) { id } }"#)
        #expect(body.firstError == "argument names: must not be empty")
        let (_, listed) = try await client.post("{ entities { name } }")
        #expect(listed["data"]?["entities"] == .array([]))
    }

    @Test func bulkImportRefusesTooManyNames() async throws {
        let client = try DemoClient()
        let names = JSONValue.array((0...1_000).map { .string("n\($0)") })
        let (_, body) = try await client.post(
            "mutation($n: [String!]!) { bulkImportEntities(names: $n) { id } }", variables: .object([JSONMember("n", names)])
        )
        #expect(body.firstError == "argument names: lists 1001 names; at most 1000 per call")
    }

    @Test func enrichWritesDegreeAndNeighbourTypesAndCanBeUndone() async throws {
        let client = try DemoClient()
        let a = try await create(client, "A", properties: #"{"country":"NL","degree":99}"#)
        let b = try await create(client, "B", type: "PERSON")
        let c = try await create(client, "C", type: "ADDRESS")
        try await link(client, a, b, kind: "employs")
        try await link(client, c, a, kind: "locates")
        let (_, body) = try await client.post(#"mutation { enrichEntity(id: "\#(a)") { properties } }"#)
        #expect(body["errors"] == nil)
        #expect(body["data"]?["enrichEntity"]?["properties"]
            == .string(#"{"country":"NL","degree":2,"neighbourTypes":["ADDRESS","PERSON"]}"#))
        _ = try await client.compensate(body)
        let (_, restored) = try await client.post(#"{ entity(id: "\#(a)") { properties } }"#)
        #expect(restored["data"]?["entity"]?["properties"] == .string(#"{"country":"NL","degree":99}"#))
    }

    @Test func enrichUnknownEntityIsNotFound() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { enrichEntity(id: "ent-nope") { id } }"#)
        #expect(body.firstError == "entity ent-nope not found")
        #expect(body.actualUsd == "0.000000")
    }

    @Test func summaryNamesEachLinkAndIsPricedByItsTokens() async throws {
        let client = try DemoClient()
        let a = try await create(client, "Acme")
        let b = try await create(client, "Jane", type: "PERSON")
        let c = try await create(client, "HQ", type: "ADDRESS")
        try await link(client, a, b, kind: "employs")
        try await link(client, c, a, kind: "locates")
        let (_, body) = try await client.post(#"mutation { summarizeEntity(id: "\#(a)") }"#)
        #expect(body["data"]?["summarizeEntity"]
            == .string("Acme (ORG) has 2 relationship(s): employs -> Jane (PERSON); locates <- HQ (ADDRESS)."))
        #expect(body.actualUsd == "0.200000")
        #expect(body.actualTokens == 3200)
        // Read-only: nothing to undo.
        #expect(body["extensions"]?["compensation"] == .null)

        let (_, alone) = try await client.post(#"mutation { summarizeEntity(id: "\#(try await create(client, "Solo"))") }"#)
        #expect(alone["data"]?["summarizeEntity"] == .string("Solo (ORG) has 0 relationship(s)."))
    }

    @Test func summaryOfAnotherTenantsEntityIsNotFound() async throws {
        let client = try DemoClient()
        let id = try await create(client, "Secret", tenant: "tenant-a")
        let (_, body) = try await client.post(#"mutation { summarizeEntity(id: "\#(id)") }"#, tenant: "tenant-b")
        #expect(body.firstError == "entity \(id) not found")
    }
}
