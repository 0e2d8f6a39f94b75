import IntelGraphDemo
import Testing

/// Routes, GraphQL-over-HTTP status codes and the `X-Demo-*` test hooks.
@Suite struct HTTPBehaviourTests {
    static func post(_ body: String, headers: [(String, String)] = []) -> DemoRequest {
        DemoRequest(method: "POST", path: "/graphql", headers: headers, body: Array(body.utf8))
    }

    @Test(arguments: [#"{"query": "#, "not json", "", #"{"query":"{ health }"} trailing"#])
    func malformedJSONIs400WithGraphQLErrorShape(body: String) async throws {
        let client = try DemoClient()
        let (response, json) = try await client.send(Self.post(body))
        #expect(response.status == 400)
        #expect(response.header("content-type") == "application/json")
        #expect(json == .object([JSONMember("errors", .array([.object([
            JSONMember("message", .string("request body is not valid JSON")),
        ])]))]))
    }

    @Test(arguments: [
        (#"[1,2]"#, "request body must be a JSON object"),
        (#"{}"#, "request has no query"),
        (#"{"query": ""}"#, "request has no query"),
        (#"{"query": 5}"#, "query must be a string"),
        (#"{"query": "{ health }", "variables": [1]}"#, "variables must be an object"),
        (#"{"query": "{ health }", "operationName": 1}"#, "operationName must be a string"),
    ])
    func badRequestShapesAre400(body: String, message: String) async throws {
        let client = try DemoClient()
        let (response, json) = try await client.send(Self.post(body))
        #expect(response.status == 400)
        #expect(json.firstError == message)
    }

    @Test func mutationOverGETIs405AndDoesNothing() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.get(#"mutation { createEntity(name: "sneaky") { id } }"#)
        #expect(response.status == 405)
        #expect(response.header("Allow") == "POST")
        #expect(body.firstError == "mutations must be sent with POST")
        let (_, list) = try await client.post("{ entities { id } }")
        #expect(list["data"]?["entities"] == .array([]))
    }

    @Test func mutationSelectedByOperationNameOverGETIs405() async throws {
        let client = try DemoClient()
        let document = "query Q { health } mutation M { SafeNoop }"
        let encoded = try #require(document.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let (asMutation, _) = try await client.send(DemoRequest(
            method: "GET", path: "/graphql", query: "query=\(encoded)&operationName=M"
        ))
        #expect(asMutation.status == 405)
        let (asQuery, body) = try await client.send(DemoRequest(
            method: "GET", path: "/graphql", query: "query=\(encoded)&operationName=Q"
        ))
        #expect(asQuery.status == 200)
        #expect(body["data"]?["health"] == .string("ok"))
    }

    @Test func getWithVariablesAndQueryInThePath() async throws {
        let client = try DemoClient()
        _ = try await client.post(#"mutation { createEntity(name: "x") { id } }"#)
        let query = try #require("query($id: ID!) { entity(id: $id) { name } }".addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let variables = try #require(#"{"id":"ent-000001"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let (response, body) = try await client.send(DemoRequest(
            method: "GET", path: "/graphql?query=\(query)&variables=\(variables)"
        ))
        #expect(response.status == 200)
        #expect(body["data"]?["entity"]?["name"] == .string("x"))
    }

    @Test func otherMethodsAndPaths() async throws {
        let client = try DemoClient()
        let (put, _) = try await client.send(DemoRequest(method: "PUT", path: "/graphql"))
        #expect(put.status == 405)
        #expect(put.header("Allow") == "GET, POST")
        let (missing, body) = try await client.send(DemoRequest(method: "GET", path: "/nope"))
        #expect(missing.status == 404)
        #expect(body.firstError == "no route for /nope")
        let (postHealth, _) = try await client.send(DemoRequest(method: "POST", path: "/health"))
        #expect(postHealth.status == 405)
    }

    @Test func forcedStatusAnswersWithoutExecuting() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.post(
            #"mutation { createEntity(name: "x") { id } }"#, headers: [("X-Demo-Status", "503")]
        )
        #expect(response.status == 503)
        #expect(body.firstError == "status 503 forced by X-Demo-Status")
        let (_, list) = try await client.post("{ entities { id } }")
        #expect(list["data"]?["entities"] == .array([]))
    }

    @Test(arguments: [("X-Demo-Status", "99"), ("X-Demo-Status", "abc"), ("X-Demo-Delay-Ms", "-1"), ("X-Demo-Delay-Ms", "soon")])
    func badHookHeadersAre400(name: String, value: String) async throws {
        let client = try DemoClient()
        let (response, _) = try await client.post("{ health }", headers: [(name, value)])
        #expect(response.status == 400)
    }

    @Test func delayHookDelaysTheAnswer() async throws {
        let client = try DemoClient()
        let clock = ContinuousClock()
        let start = clock.now
        let (response, _) = try await client.post("{ health }", headers: [("x-demo-delay-ms", "120")])
        let elapsed = clock.now - start
        #expect(response.status == 200)
        // A lower bound only: how slow a busy machine is says nothing about the hook.
        #expect(elapsed >= .milliseconds(120))
    }

    @Test func baseDelayAppliesToEveryRequest() async throws {
        var configuration = DemoClient.fixedClockConfiguration()
        configuration.baseDelay = .milliseconds(50)
        let client = try DemoClient(configuration: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await client.send(DemoRequest(method: "GET", path: "/health"))
        #expect(clock.now - start >= .milliseconds(50))
    }

    @Test func delayIsCutShortWhenTheRequestTaskIsCancelled() async throws {
        let client = try DemoClient()
        let clock = ContinuousClock()
        let start = clock.now
        let task = Task {
            await client.server.handle(Self.post(#"{"query":"{ health }"}"#, headers: [("X-Demo-Delay-Ms", "30000")]))
        }
        task.cancel()
        let response = await task.value
        #expect(response.status == 200)
        // Not a speed check: the only way to finish before the 30 s delay is
        // for the cancellation to cut it short.
        #expect(clock.now - start < .seconds(29))
    }

    @Test func badConfigurationNamesTheKey() {
        #expect(throws: DemoSetupError.invalidConfiguration(key: "maxListLimit", reason: "must not be negative")) {
            try IntelGraphDemoServer(configuration: DemoConfiguration(maxListLimit: -1))
        }
        #expect(throws: DemoSetupError.self) {
            try IntelGraphDemoServer(configuration: DemoConfiguration(seedEntities: ["demo": -3]))
        }
    }
}
