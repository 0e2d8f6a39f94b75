import IntelGraphDemo
import Testing

/// `extensions.compensation`: for each mutation kind, the inverse operation's
/// text, and that replaying it (as `safemut compensate` will) restores the
/// graph exactly.
@Suite struct CompensationTests {
    /// Everything a tenant can see: entities by id, each with its relationships.
    static func snapshot(_ client: DemoClient, tenant: String = "demo") async throws -> [String: JSONValue] {
        let (_, body) = try await client.post(
            "{ entities(limit: 1000) { id tenantId name type properties createdAt } }", tenant: tenant
        )
        var state: [String: JSONValue] = [:]
        for entity in body["data"]?["entities"]?.arrayValue ?? [] {
            let id = try #require(entity["id"]?.stringValue)
            let (_, relationships) = try await client.post(
                #"{ relationships(entityId: "\#(id)") { id fromId toId kind } }"#, tenant: tenant
            )
            state[id] = .array([entity, relationships["data"]?["relationships"] ?? .null])
        }
        return state
    }

    /// Three entities a→b, b→c, c→a… enough for merges and deletes to touch relationships.
    static func seedGraph(_ client: DemoClient, tenant: String = "demo") async throws -> [String] {
        var ids: [String] = []
        for name in ["a", "b", "c"] {
            let (_, body) = try await client.post(
                #"mutation { createEntity(name: "\#(name)", properties: "{\"n\":\"\#(name)\"}") { id } }"#, tenant: tenant
            )
            ids.append(try DemoClient.createdId(body))
        }
        for (from, to) in [(0, 1), (1, 2), (2, 0)] {
            let (_, body) = try await client.post(
                #"mutation { createRelationship(fromId: "\#(ids[from])", toId: "\#(ids[to])", kind: "LINKS") { id } }"#,
                tenant: tenant
            )
            #expect(body["errors"] == nil)
        }
        return ids
    }

    static func compensation(_ body: JSONValue) -> (String?, JSONValue?) {
        let compensation = body["extensions"]?["compensation"]
        return (compensation?["operation"]?.stringValue, compensation?["variables"])
    }

    @Test func createEntityIsUndoneByDeleteEntity() async throws {
        let client = try DemoClient()
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(#"mutation { createEntity(name: "rollback-test") { id } }"#)
        let (operation, variables) = Self.compensation(body)
        #expect(operation == "mutation Compensate($id: ID!) { deleteEntity(id: $id) }")
        #expect(variables == .object([JSONMember("id", .string("ent-000001"))]))
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func updateEntityIsUndoneByUpdateEntityWithOldValues() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(
            #"mutation { updateEntity(id: "\#(ids[0])", name: "renamed", properties: "{\"x\":1}") { name } }"#
        )
        #expect(body["data"]?["updateEntity"]?["name"] == .string("renamed"))
        let (operation, variables) = Self.compensation(body)
        #expect(operation == "mutation Compensate($id: ID!, $name: String, $properties: String) { updateEntity(id: $id, name: $name, properties: $properties) { id } }")
        #expect(variables == .object([
            JSONMember("id", .string(ids[0])), JSONMember("name", .string("a")),
            JSONMember("properties", .string(#"{"n":"a"}"#)),
        ]))
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func deleteEntityIsUndoneByRecreatingItAndItsRelationships() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(#"mutation { deleteEntity(id: "\#(ids[1])") }"#)
        #expect(body["data"]?["deleteEntity"] == .bool(true))
        let (operation, _) = Self.compensation(body)
        #expect(operation?.hasPrefix("mutation Compensate($c0_id: ID, $c0_name: String!, $c0_type: String, $c0_properties: String, ") == true)
        #expect(operation?.contains("c0: createEntity(id: $c0_id, name: $c0_name, type: $c0_type, properties: $c0_properties) { id }") == true)
        #expect(operation?.contains("c1: createRelationship(") == true)
        #expect(operation?.contains("c2: createRelationship(") == true)
        #expect(try await Self.snapshot(client) != before)
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func mergeEntitiesIsUndoneByRecreatingTheSourceAndRepointingBack() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(#"mutation { mergeEntities(sourceId: "\#(ids[0])", targetId: "\#(ids[1])") { id } }"#)
        #expect(body["data"]?["mergeEntities"]?["id"] == .string(ids[1]))
        let (_, gone) = try await client.post(#"{ entity(id: "\#(ids[0])") { id } }"#)
        #expect(gone["data"]?["entity"] == .null)
        let (operation, _) = Self.compensation(body)
        #expect(operation?.contains("c0: createEntity(") == true)
        #expect(operation?.contains("c1: deleteRelationship(id: $c1_id) c2: createRelationship(") == true)
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func bulkDeleteIsUndoneByRecreatingEveryEntity() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(
            "mutation($ids: [ID!]!) { bulkDeleteEntities(ids: $ids) }",
            variables: .object([JSONMember("ids", .array([.string(ids[0]), .string(ids[2]), .string("unknown"), .string(ids[0])]))])
        )
        #expect(body["data"]?["bulkDeleteEntities"] == .int(2))
        // 4 listed ids × 0.008000, duplicates and unknowns included.
        #expect(body.actualUsd == "0.032000")
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func bulkUpdateIsUndoneByUpdatingEachBack() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(
            #"mutation { bulkUpdateEntities(ids: ["\#(ids[0])", "\#(ids[1])"], properties: "{\"flag\":true}") }"#
        )
        #expect(body["data"]?["bulkUpdateEntities"] == .int(2))
        let (operation, _) = Self.compensation(body)
        #expect(operation?.contains("c0: updateEntity(") == true)
        #expect(operation?.contains("c1: updateEntity(") == true)
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func moveEntityToTenantIsUndoneByMovingBackFromTheOtherTenant() async throws {
        let client = try DemoClient()
        let (_, created) = try await client.post(#"mutation { createEntity(name: "mover") { id } }"#)
        let id = try DemoClient.createdId(created)
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post(#"mutation { moveEntityToTenant(id: "\#(id)", targetTenant: "other") { tenantId } }"#)
        #expect(body["data"]?["moveEntityToTenant"]?["tenantId"] == .string("other"))
        #expect(try await Self.snapshot(client, tenant: "other").keys.contains(id))
        let (operation, variables) = Self.compensation(body)
        #expect(operation == "mutation Compensate($id: ID!, $targetTenant: String!, $tenantId: String) { moveEntityToTenant(id: $id, targetTenant: $targetTenant, tenantId: $tenantId) { id } }")
        #expect(variables == .object([
            JSONMember("id", .string(id)), JSONMember("targetTenant", .string("demo")),
            JSONMember("tenantId", .string("other")),
        ]))
        // Replayed under the original tenant, as the gateway's log records it.
        _ = try await client.compensate(body, tenant: "demo")
        #expect(try await Self.snapshot(client) == before)
        #expect(try await Self.snapshot(client, tenant: "other").isEmpty)
    }

    @Test func moveRefusesAnEntityWithRelationships() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let (_, body) = try await client.post(#"mutation { moveEntityToTenant(id: "\#(ids[0])", targetTenant: "other") { id } }"#)
        #expect(body.firstError == "entity \(ids[0]) has 2 relationship(s); delete them before moving it")
    }

    @Test func crossTenantCreateIsUndoneWithAnExplicitTenant() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { createEntity(name: "x", tenantId: "other") { id tenantId } }"#)
        #expect(body["data"]?["createEntity"]?["tenantId"] == .string("other"))
        let (operation, variables) = Self.compensation(body)
        #expect(operation == "mutation Compensate($id: ID!, $tenantId: String) { deleteEntity(id: $id, tenantId: $tenantId) }")
        #expect(variables?["tenantId"] == .string("other"))
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client, tenant: "other").isEmpty)
    }

    @Test func relationshipCreateAndDeleteUndoEachOther() async throws {
        let client = try DemoClient()
        let ids = try await Self.seedGraph(client)
        let before = try await Self.snapshot(client)
        let (_, created) = try await client.post(
            #"mutation { createRelationship(fromId: "\#(ids[0])", toId: "\#(ids[0])", kind: "SELF") { id } }"#
        )
        #expect(Self.compensation(created).0 == "mutation Compensate($id: ID!) { deleteRelationship(id: $id) }")
        _ = try await client.compensate(created)
        #expect(try await Self.snapshot(client) == before)

        let (_, deleted) = try await client.post(#"mutation { deleteRelationship(id: "rel-000001") }"#)
        #expect(deleted["data"]?["deleteRelationship"] == .bool(true))
        #expect(Self.compensation(deleted).0 == "mutation Compensate($id: ID, $fromId: ID!, $toId: ID!, $kind: String!) { createRelationship(id: $id, fromId: $fromId, toId: $toId, kind: $kind) { id } }")
        _ = try await client.compensate(deleted)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func readOnlyAndNoopMutationsHaveNullCompensation() async throws {
        let client = try DemoClient()
        for query in ["mutation { SafeNoop }", #"mutation { exportData(format: "csv") }"#] {
            let (_, body) = try await client.post(query)
            #expect(body["extensions"]?["compensation"] == .null)
        }
    }

    @Test func severalRootFieldsAreUndoneLastFirst() async throws {
        let client = try DemoClient()
        let before = try await Self.snapshot(client)
        let (_, body) = try await client.post("""
            mutation {
              first: createEntity(name: "one") { id }
              second: updateEntity(id: "ent-000001", name: "two") { id }
              noop: SafeNoop
            }
            """)
        #expect(body["errors"] == nil)
        let (operation, _) = Self.compensation(body)
        #expect(operation == "mutation Compensate($c0_id: ID!, $c0_name: String, $c0_properties: String, $c1_id: ID!) { c0: updateEntity(id: $c0_id, name: $c0_name, properties: $c0_properties) { id } c1: deleteEntity(id: $c1_id) }")
        _ = try await client.compensate(body)
        #expect(try await Self.snapshot(client) == before)
    }

    @Test func restoringUnderATakenIdIsRefused() async throws {
        let client = try DemoClient()
        _ = try await client.post(#"mutation { createEntity(name: "x") { id } }"#)
        let (_, body) = try await client.post(#"mutation { createEntity(name: "y", id: "ent-000001") { id } }"#)
        #expect(body.firstError == "id ent-000001 is already in use")
        // A client-chosen id is skipped by the generator.
        _ = try await client.post(#"mutation { createEntity(name: "z", id: "ent-000002") { id } }"#)
        let (_, next) = try await client.post(#"mutation { createEntity(name: "w") { id } }"#)
        #expect(try DemoClient.createdId(next) == "ent-000003")
    }
}
