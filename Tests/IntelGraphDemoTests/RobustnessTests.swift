@testable import IntelGraphDemo
import Testing

/// Inputs that must not take the demo down, and concurrent use.
@Suite struct RobustnessTests {
    /// The parser recurses per level; a thousand-deep document would
    /// overflow the stack, so it is refused first.
    @Test(arguments: [129, 5_000, 100_000])
    func deeplyNestedDocumentIsRefusedNotCrashed(depth: Int) async throws {
        let client = try DemoClient()
        let query = String(repeating: "{ entities ", count: depth) + String(repeating: "}", count: depth)
        let (response, body) = try await client.post(query)
        #expect(response.status == 200)
        #expect(body.firstError == "document nests deeper than 128 levels")
        #expect(body["data"] == nil)
    }

    @Test func bracesInsideStringsAndCommentsDoNotCount() async throws {
        let client = try DemoClient()
        let braces = String(repeating: "{[(", count: 500)
        let query = """
            # \(braces)
            { entity(id: "\(braces)") { id } other: entity(id: \"\"\"\(braces)\"\"\") { id } }
            """
        let (_, body) = try await client.post(query)
        #expect(body["errors"] == nil)
        #expect(body["data"]?["entity"] == .null)
    }

    @Test func deeplyNestedJSONBodyIs400() async throws {
        let client = try DemoClient()
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let (response, _) = try await client.send(DemoRequest(
            method: "POST", path: "/graphql",
            body: Array(#"{"query":"{ health }","variables":{"a":\#(nested)}}"#.utf8)
        ))
        #expect(response.status == 400)
    }

    @Test func concurrentCreatesGetDistinctIds() async throws {
        let client = try DemoClient()
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let (_, body) = try await client.post(#"mutation { createEntity(name: "n\#(index)") { id } }"#)
                    return try DemoClient.createdId(body)
                }
            }
            var ids: [String] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        #expect(Set(ids).count == 200)
        let (_, list) = try await client.post("{ entities(limit: 1000) { id } }")
        #expect(list["data"]?["entities"]?.arrayValue?.count == 200)
    }

    @Test func largeSeededResponse() async throws {
        var configuration = DemoClient.fixedClockConfiguration()
        configuration.seedEntities = ["demo": 5_000, "other": 3]
        let client = try DemoClient(configuration: configuration)
        let (response, body) = try await client.post("{ entities(limit: 1000) { id name properties createdAt } }")
        #expect(body["data"]?["entities"]?.arrayValue?.count == 1_000)
        #expect(response.body.count > 100_000)
        #expect(body.actualUsd == "0.010100")
        let (_, other) = try await client.post("{ entities { id } }", tenant: "other")
        #expect(other["data"]?["entities"]?.arrayValue?.count == 3)
    }

    /// Documents are cached by text; a cached document must still be
    /// validated, refused over GET when a mutation, and executed afresh.
    @Test func cachedDocumentsBehaveLikeFreshOnes() async throws {
        let client = try DemoClient()
        for _ in 0..<3 {
            let (_, invalid) = try await client.post("{ nope }")
            #expect(invalid.firstError?.contains("nope") == true)
        }
        let mutation = #"mutation { createEntity(name: "cached") { id } }"#
        let (_, first) = try await client.post(mutation)
        let (_, second) = try await client.post(mutation)
        #expect(try DemoClient.createdId(first) == "ent-000001")
        #expect(try DemoClient.createdId(second) == "ent-000002")
        let (overGET, _) = try await client.get(mutation)
        #expect(overGET.status == 405)
    }

    @Test func manyDistinctDocumentsStayBounded() async throws {
        let client = try DemoClient()
        for index in 0..<600 {
            let (_, body) = try await client.post(#"{ entity(id: "\#(index)") { id } }"#)
            #expect(body["errors"] == nil)
        }
        #expect(client.server.documents.count <= client.server.documents.capacity)
        #expect(client.server.documents.count > 0)
    }
}
