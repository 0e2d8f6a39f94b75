import Foundation
import IntelGraphDemo
import Testing

/// Drives an `IntelGraphDemoServer` in process, the way the HTTP binding will.
struct DemoClient {
    let server: IntelGraphDemoServer

    /// A server with a fixed clock, so `createdAt` is predictable.
    init(configuration: DemoConfiguration = DemoClient.fixedClockConfiguration()) throws {
        server = try IntelGraphDemoServer(configuration: configuration)
    }

    static let fixedDate = Date(timeIntervalSince1970: 1_750_000_000)

    static func fixedClockConfiguration() -> DemoConfiguration {
        DemoConfiguration(clock: { DemoClient.fixedDate })
    }

    /// POST /graphql with a JSON body; returns the response and its parsed body.
    func post(
        _ query: String,
        variables: JSONValue? = nil,
        operationName: String? = nil,
        tenant: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> (DemoResponse, JSONValue) {
        var members = [JSONMember("query", .string(query))]
        if let variables { members.append(JSONMember("variables", variables)) }
        if let operationName { members.append(JSONMember("operationName", .string(operationName))) }
        return try await send(
            DemoRequest(
                method: "POST", path: "/graphql",
                headers: [("Content-Type", "application/json")] + tenantHeader(tenant) + headers,
                body: JSONValue.object(members).serialized
            )
        )
    }

    /// GET /graphql?query=…
    func get(_ query: String, tenant: String? = nil) async throws -> (DemoResponse, JSONValue) {
        let encoded = try #require(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        return try await send(DemoRequest(method: "GET", path: "/graphql", query: "query=\(encoded)", headers: tenantHeader(tenant)))
    }

    func send(_ request: DemoRequest) async throws -> (DemoResponse, JSONValue) {
        let response = await server.handle(request)
        let body = try #require(JSONValue.parse(response.body), "body is not JSON: \(String(decoding: response.body, as: UTF8.self))")
        return (response, body)
    }

    /// Replays `extensions.compensation` of a mutation response, as
    /// `safemut compensate` will, under the same tenant.
    func compensate(_ body: JSONValue, tenant: String? = nil) async throws -> JSONValue {
        let compensation = try #require(body["extensions"]?["compensation"])
        let operation = try #require(compensation["operation"]?.stringValue)
        let (response, replayed) = try await post(operation, variables: compensation["variables"], tenant: tenant)
        #expect(response.status == 200)
        #expect(replayed["errors"] == nil, "compensation failed: \(replayed.serializedString)")
        return replayed
    }

    /// The id at `data.<field>.id`.
    static func createdId(_ body: JSONValue, field: String = "createEntity") throws -> String {
        try #require(body["data"]?[field]?["id"]?.stringValue, "no id in \(body.serializedString)")
    }

    private func tenantHeader(_ tenant: String?) -> [(String, String)] {
        tenant.map { [("X-Tenant", $0)] } ?? []
    }
}

extension JSONValue {
    /// `extensions.cost.actualUsd`.
    var actualUsd: String? { self["extensions"]?["cost"]?["actualUsd"]?.stringValue }
    /// `extensions.cost.actualTokens`.
    var actualTokens: Int64? { self["extensions"]?["cost"]?["actualTokens"]?.intValue }
    /// The first error message, if any.
    var firstError: String? { self["errors"]?.arrayValue?.first?["message"]?.stringValue }
}
