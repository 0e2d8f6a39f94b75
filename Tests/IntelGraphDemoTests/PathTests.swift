import IntelGraphDemo
import Testing

/// `path(from:, to:, maxHops:)`: the traversal the downshift ladder bounds through `hopsArg`.
@Suite struct PathTests {
    /// A chain A → B ← C → D (the middle link points backwards, since a path
    /// crosses links either way), and E on its own; returns the ids.
    private func chain(_ client: DemoClient, tenant: String = "demo") async throws -> [String: String] {
        var ids: [String: String] = [:]
        for name in ["A", "B", "C", "D", "E"] {
            let (_, body) = try await client.post(#"mutation { createEntity(name: "\#(name)") { id } }"#, tenant: tenant)
            ids[name] = try DemoClient.createdId(body)
        }
        for (from, to) in [("A", "B"), ("C", "B"), ("C", "D")] {
            let (_, body) = try await client.post(
                #"mutation { createRelationship(fromId: "\#(ids[from]!)", toId: "\#(ids[to]!)", kind: "knows") { id } }"#, tenant: tenant
            )
            ids[from + to] = try DemoClient.createdId(body, field: "createRelationship")
        }
        return ids
    }

    private func path(_ client: DemoClient, _ from: String, _ to: String, maxHops: Int, tenant: String = "demo") async throws -> JSONValue {
        let (response, body) = try await client.post(
            #"{ path(from: "\#(from)", to: "\#(to)", maxHops: \#(maxHops)) { hops entities { id name } relationships { id fromId toId } } }"#,
            tenant: tenant
        )
        #expect(response.status == 200)
        return body
    }

    @Test func pathWithinMaxHopsIsFound() async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        let body = try await path(client, ids["A"]!, ids["C"]!, maxHops: 2)
        #expect(body["errors"] == nil)
        let found = try #require(body["data"]?["path"])
        #expect(found["hops"] == .int(2))
        #expect(found["entities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "B", "C"])
        #expect(found["relationships"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [ids["AB"]!, ids["CB"]!])
        // Priced as a query returning three records.
        #expect(body.actualUsd == "0.000130")
    }

    @Test func pathBeyondMaxHopsIsNull() async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        let short = try await path(client, ids["A"]!, ids["D"]!, maxHops: 2)
        #expect(short["errors"] == nil)
        #expect(short["data"]?["path"] == .null)
        let long = try await path(client, ids["A"]!, ids["D"]!, maxHops: 3)
        #expect(long["data"]?["path"]?["hops"] == .int(3))
    }

    @Test func disconnectedEntitiesHaveNoPath() async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        let body = try await path(client, ids["A"]!, ids["E"]!, maxHops: 10)
        #expect(body["errors"] == nil)
        #expect(body["data"]?["path"] == .null)
    }

    @Test func shortestPathWins() async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        _ = try await client.post(#"mutation { createRelationship(fromId: "\#(ids["D"]!)", toId: "\#(ids["A"]!)", kind: "owns") { id } }"#)
        let body = try await path(client, ids["A"]!, ids["D"]!, maxHops: 3)
        #expect(body["data"]?["path"]?["hops"] == .int(1))
        #expect(body["data"]?["path"]?["entities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["A", "D"])
    }

    @Test func pathToItselfHasZeroHops() async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        let body = try await path(client, ids["B"]!, ids["B"]!, maxHops: 0)
        #expect(body["data"]?["path"]?["hops"] == .int(0))
        #expect(body["data"]?["path"]?["entities"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["B"])
    }

    @Test(arguments: [true, false])
    func unknownIdIsNotFound(unknownIsFrom: Bool) async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        let body = unknownIsFrom
            ? try await path(client, "ent-nope", ids["A"]!, maxHops: 2)
            : try await path(client, ids["A"]!, "ent-nope", maxHops: 2)
        #expect(body.firstError == "entity ent-nope not found")
        #expect(body["errors"]?.arrayValue?.first?["extensions"]?["code"] == .string("NOT_FOUND"))
        #expect(body["data"]?["path"] == .null)
    }

    /// Another tenant's entities are invisible, as endpoints and as stops on the way.
    @Test func anotherTenantsEntityIsNotFound() async throws {
        let client = try DemoClient()
        let ids = try await chain(client, tenant: "tenant-a")
        let body = try await path(client, ids["A"]!, ids["C"]!, maxHops: 2, tenant: "tenant-b")
        #expect(body.firstError == "entity \(ids["A"]!) not found")
    }

    @Test(arguments: [-1, 11])
    func maxHopsOutOfRangeIsBadInput(maxHops: Int) async throws {
        let client = try DemoClient()
        let ids = try await chain(client)
        let body = try await path(client, ids["A"]!, ids["B"]!, maxHops: maxHops)
        #expect(body.firstError == "argument maxHops: must be between 0 and 10")
        #expect(body["errors"]?.arrayValue?.first?["extensions"]?["code"] == .string("BAD_USER_INPUT"))
    }
}
