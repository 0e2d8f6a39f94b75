import IntelGraphDemo
import Testing

/// `extensions.cost`: 80 % of the `@budget` cap (per item for bulk fields),
/// exact decimal strings, and a hook to exceed the cap on purpose.
@Suite struct CostTests {
    @Test func safeNoopCostsEightyPercentOfItsTinyCapAndHasNoCompensation() async throws {
        let client = try DemoClient()
        let (response, body) = try await client.post("mutation { SafeNoop }")
        #expect(response.status == 200)
        #expect(body["data"]?["SafeNoop"] == .bool(true))
        #expect(body["extensions"] == .object([
            JSONMember("cost", .object([
                JSONMember("actualUsd", .string("0.000800")), JSONMember("actualTokens", .int(8)),
            ])),
            JSONMember("compensation", .null),
        ]))
    }

    /// The exact bytes on the wire: a string with six decimals, never a float.
    @Test func costExtensionBytesAreExact() async throws {
        let client = try DemoClient()
        let response = await client.server.handle(DemoRequest(
            method: "POST", path: "/graphql", body: Array(#"{"query":"mutation { SafeNoop }"}"#.utf8)
        ))
        #expect(String(decoding: response.body, as: UTF8.self) == #"""
            {"data":{"SafeNoop":true},"extensions":{"cost":{"actualUsd":"0.000800","actualTokens":8},"compensation":null}}
            """#)
    }

    @Test(arguments: [(0, "0.000000", Int64(0)), (1, "0.008000", 40), (3, "0.024000", 120), (250, "2.000000", 10_000)])
    func bulkDeleteCostScalesWithTheIdsCount(count: Int, usd: String, tokens: Int64) async throws {
        let client = try DemoClient()
        // Unknown ids cost the same as known ones: the price follows the request, like the estimate.
        let ids = JSONValue.array((0..<count).map { .string("missing-\($0)") })
        let (_, body) = try await client.post(
            "mutation($ids: [ID!]!) { bulkDeleteEntities(ids: $ids) }", variables: .object([JSONMember("ids", ids)])
        )
        #expect(body["data"]?["bulkDeleteEntities"] == .int(0))
        #expect(body.actualUsd == usd)
        #expect(body.actualTokens == tokens)
    }

    @Test func costsOfSeveralRootFieldsAdd() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { a: SafeNoop b: SafeNoop c: createEntity(name: "x") { id } }"#)
        // 0.000800 × 2 + 0.016000
        #expect(body.actualUsd == "0.017600")
        #expect(body.actualTokens == 176)  // 8 + 8 + 160
    }

    @Test func exportStaysBelowItsSixDollarCap() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { exportData(format: "json") }"#)
        #expect(body.actualUsd == "4.800000")
    }

    @Test func multiplierHookPushesActualAboveTheCap() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(
            #"mutation { createEntity(name: "x") { id } }"#, headers: [("X-Demo-Cost-Multiplier", "3")]
        )
        // Cap 0.020000; 0.016000 × 3 = 0.048000.
        #expect(body.actualUsd == "0.048000")
        #expect(body.actualTokens == 480)
        let (_, fractional) = try await client.post("mutation { SafeNoop }", headers: [("X-Demo-Cost-Multiplier", "1.5")])
        #expect(fractional.actualUsd == "0.001200")
    }

    @Test(arguments: ["0", "-1", "abc", "1e2", "1000.000001"])
    func badMultiplierIs400(value: String) async throws {
        let client = try DemoClient()
        let (response, body) = try await client.post("mutation { SafeNoop }", headers: [("X-Demo-Cost-Multiplier", value)])
        #expect(response.status == 400)
        #expect(body.firstError == "header X-Demo-Cost-Multiplier must be a decimal above 0 and at most 1000")
    }

    @Test func queriesCostAFlatFeePlusPerRecord() async throws {
        var configuration = DemoClient.fixedClockConfiguration()
        configuration.seedEntities = ["demo": 7]
        let client = try DemoClient(configuration: configuration)
        let (_, body) = try await client.post("{ entities(limit: 5) { id } health }")
        // entities: 0.000100 + 5 × 0.000010; health: 0.000100.
        #expect(body.actualUsd == "0.000250")
        #expect(body.actualTokens == 25)  // 10 + 5 × 1, plus 10
    }

    @Test func customCostModelIsHonoured() async throws {
        var configuration = DemoClient.fixedClockConfiguration()
        configuration.costModel.percentOfCap = 100
        let client = try DemoClient(configuration: configuration)
        let (_, body) = try await client.post("mutation { SafeNoop }")
        #expect(body.actualUsd == "0.001000")
    }

    @Test func aFailedMutationFieldCostsNothing() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post(#"mutation { deleteEntity(id: "nope") }"#)
        #expect(body.firstError == "entity nope not found")
        #expect(body.actualUsd == "0.000000")
        #expect(body["extensions"]?["compensation"] == .null)
    }
}
