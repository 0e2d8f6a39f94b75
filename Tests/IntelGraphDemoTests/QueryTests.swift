import IntelGraphDemo
import Testing

@Suite struct QueryTests {
    @Test func createEntityThenQueryItBack() async throws {
        let client = try DemoClient()
        let (created, createdBody) = try await client.post(
            #"mutation($p: String) { createEntity(name: "Acme", type: "ORG", properties: $p) { id tenantId name type properties createdAt } }"#,
            variables: .object([JSONMember("p", .string(#"{"country":"NL"}"#))])
        )
        #expect(created.status == 200)
        #expect(created.header("Content-Type") == "application/json")
        let id = try DemoClient.createdId(createdBody)

        let (_, body) = try await client.post(
            "query($id: ID!) { entity(id: $id) { id tenantId name type properties createdAt } }",
            variables: .object([JSONMember("id", .string(id))])
        )
        let expected = JSONValue.object([
            JSONMember("id", .string(id)),
            JSONMember("tenantId", .string("demo")),
            JSONMember("name", .string("Acme")),
            JSONMember("type", .string("ORG")),
            JSONMember("properties", .string(#"{"country":"NL"}"#)),
            JSONMember("createdAt", .string("2025-06-15T15:06:40Z")),
        ])
        #expect(body["data"]?["entity"] == expected)
        #expect(createdBody["data"]?["createEntity"] == expected)
        #expect(body["errors"] == nil)
    }

    /// The runbooks' literal curl body, sent as curl sends it (form content type).
    @Test func runbookCreateEntityBodyWorksVerbatim() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.send(DemoRequest(
            method: "POST", path: "/graphql",
            headers: [("X-Tenant", "demo"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(#"{"query":"mutation { createEntity(name: \"rollback-test\") { id } }"}"#.utf8)
        ))
        #expect(response.status == 200)
        #expect(body["data"]?["createEntity"]?["id"]?.stringValue == "ent-000001")
        #expect(body.actualUsd == "0.016000")
    }

    @Test func entityOfAnotherTenantIsInvisible() async throws {
        let client = try DemoClient()
        let (_, created) = try await client.post(#"mutation { createEntity(name: "secret") { id } }"#, tenant: "tenant-a")
        let id = try DemoClient.createdId(created)
        let query = #"{ entity(id: "\#(id)") { id name } entities(limit: 10) { id } }"#

        let (_, asB) = try await client.post(query, tenant: "tenant-b")
        #expect(asB["data"]?["entity"] == .null)
        #expect(asB["data"]?["entities"] == .array([]))

        let (_, asA) = try await client.post(query, tenant: "tenant-a")
        #expect(asA["data"]?["entity"]?["name"] == .string("secret"))
        #expect(asA["data"]?["entities"]?.arrayValue?.count == 1)

        // And B cannot change or delete it either.
        let (_, deleteAsB) = try await client.post(#"mutation { deleteEntity(id: "\#(id)") }"#, tenant: "tenant-b")
        #expect(deleteAsB.firstError == "entity \(id) not found")
        #expect(deleteAsB["errors"]?.arrayValue?.first?["extensions"]?["code"] == .string("NOT_FOUND"))
    }

    @Test func missingTenantHeaderMeansDemo() async throws {
        let client = try DemoClient()
        _ = try await client.post(#"mutation { createEntity(name: "x") { id } }"#)
        let (_, body) = try await client.post("{ entities { tenantId } }", tenant: "demo")
        #expect(body["data"]?["entities"] == .array([.object([JSONMember("tenantId", .string("demo"))])]))
    }

    @Test func entitiesLimitIsClampedToTheServerBound() async throws {
        var configuration = DemoClient.fixedClockConfiguration()
        configuration.maxListLimit = 25
        configuration.seedEntities = ["demo": 40]
        let client = try DemoClient(configuration: configuration)
        let (_, body) = try await client.post("{ entities(limit: 100000) { id } }")
        #expect(body["data"]?["entities"]?.arrayValue?.count == 25)
        let (_, negative) = try await client.post("{ entities(limit: -5) { id } }")
        #expect(negative["data"]?["entities"] == .array([]))
        let (_, byDefault) = try await client.post("{ entities { id } }")
        #expect(byDefault["data"]?["entities"]?.arrayValue?.count == 25)
    }

    @Test func relationshipsOfAnEntity() async throws {
        let client = try DemoClient()
        let a = try DemoClient.createdId(try await client.post(#"mutation { createEntity(name: "a") { id } }"#).1)
        let b = try DemoClient.createdId(try await client.post(#"mutation { createEntity(name: "b") { id } }"#).1)
        let (_, link) = try await client.post(
            #"mutation { createRelationship(fromId: "\#(a)", toId: "\#(b)", kind: "OWNS") { id fromId toId kind } }"#
        )
        #expect(link["data"]?["createRelationship"]?["kind"] == .string("OWNS"))
        let (_, body) = try await client.post(#"{ relationships(entityId: "\#(b)") { fromId toId kind } }"#)
        #expect(body["data"]?["relationships"] == .array([.object([
            JSONMember("fromId", .string(a)), JSONMember("toId", .string(b)), JSONMember("kind", .string("OWNS")),
        ])]))
        let (_, otherTenant) = try await client.post(#"{ relationships(entityId: "\#(b)") { id } }"#, tenant: "other")
        #expect(otherTenant["data"]?["relationships"] == .array([]))
    }

    @Test func healthQueryAndRoute() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post("{ health }")
        #expect(body["data"]?["health"] == .string("ok"))
        let (response, route) = try await client.send(DemoRequest(method: "GET", path: "/health"))
        #expect(response.status == 200)
        #expect(route == .object([JSONMember("status", .string("ok"))]))
    }

    @Test func queryOverGETWorks() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.get("{ health }")
        #expect(response.status == 200)
        #expect(body["data"]?["health"] == .string("ok"))
        #expect(body["extensions"]?["compensation"] == nil)
    }

    @Test func validationErrorsAre200WithErrorsAndNoData() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.post("{ nope }")
        #expect(response.status == 200)
        #expect(body["data"] == nil)
        #expect(body.firstError?.contains("nope") == true)
        #expect(body.actualUsd == "0.000000")
    }

    @Test func syntaxErrorsAre200WithErrors() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.post("mutation {")
        #expect(response.status == 200)
        #expect(body["errors"]?.arrayValue?.isEmpty == false)
        #expect(body["data"] == nil)
    }

    @Test func exportDataAsJSONAndCSV() async throws {
        let client = try DemoClient()
        _ = try await client.post(#"mutation { createEntity(name: "a, \"quoted\"") { id } }"#)
        let (_, json) = try await client.post(#"mutation { exportData(format: "json") }"#)
        let exported = try #require(json["data"]?["exportData"]?.stringValue)
        let parsed = try #require(JSONValue.parse(Array(exported.utf8)))
        #expect(parsed.arrayValue?.first?["name"] == .string(#"a, "quoted""#))
        let (_, csv) = try await client.post(#"mutation { exportData(format: "csv") }"#)
        #expect(csv["data"]?["exportData"]?.stringValue == "id,tenantId,name,type,properties,createdAt\r\n"
            + #"ent-000001,demo,"a, ""quoted""",generic,{},2025-06-15T15:06:40Z"# + "\r\n")
        let (_, bad) = try await client.post(#"mutation { exportData(format: "xml") }"#)
        #expect(bad.firstError == "unsupported export format xml; use json or csv")
    }

    @Test func propertiesMustBeAJSONObject() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { createEntity(name: "x", properties: "[1]") { id } }"#)
        #expect(body.firstError == "properties must be a JSON object: not an object")
        #expect(body["data"]?["createEntity"] == .null)
        #expect(body.actualUsd == "0.000000")
    }
}
