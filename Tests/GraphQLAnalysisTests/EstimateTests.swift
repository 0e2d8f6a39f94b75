import Kit
import Testing
@testable import GraphQLAnalysis

@Suite struct EstimateTests {
    private let catalog: BudgetCatalog

    init() throws {
        catalog = try BudgetCatalog(sdl: TestFiles.text(TestFiles.demoSchemaPath), fileName: "schema.graphql")
    }

    private func estimate(_ query: String, variables: JSONValue? = nil) throws(AnalysisError) -> Estimate {
        let operation = try DocumentCache(capacity: 2).analyze(GraphQLRequest(query: query, variables: variables))
        return try catalog.estimate(operation)
    }

    @Test func demoSchemaLoads() throws {
        #expect(catalog.mutationTypeName == "Mutation")
        #expect(catalog.undeclaredFields.isEmpty)
        #expect(catalog.declarations.count == 14)
        let bulk = try #require(catalog.declarations["bulkDeleteEntities"])
        #expect(bulk.capMicros == 10_000)
        #expect(bulk.tokens == 50)
        #expect(bulk.riskTags == ["bulk_delete"])
        #expect(bulk.perItem == "ids")
        #expect(catalog.declarations["exportData"]?.capMicros == 6_000_000)
        #expect(catalog.declarations["SafeNoop"]?.capMicros == 1_000)
    }

    @Test func singleFieldIsItsCap() throws {
        let result = try estimate(#"mutation { createEntity(name: "rollback-test") { id } }"#)
        #expect(result.totalMicros == 20_000)
        #expect(result.totalTokens == 200)
        #expect(result.totalUSD == "0.020000")
        #expect(result.riskTags.isEmpty)
    }

    @Test func rootFieldsAreSummedPerOccurrence() throws {
        let result = try estimate("""
            mutation {
              a: deleteEntity(id: "1")
              b: deleteEntity(id: "2")
              merge: mergeEntities(sourceId: "x", targetId: "y") { id }
              SafeNoop
              __typename
            }
            """)
        #expect(result.totalMicros == 50_000 + 50_000 + 100_000 + 1_000)
        #expect(result.totalTokens == 100 + 100 + 500 + 10)
        #expect(result.perField.map(\.alias) == ["a", "b", "merge", nil])
        #expect(result.riskTags == ["destructive", "merge_entities"])
    }

    @Test func perItemMultipliesByInlineListLength() throws {
        let result = try estimate(#"mutation { bulkDeleteEntities(ids: ["a", "b", "c"]) }"#)
        #expect(result.totalMicros == 30_000)
        #expect(result.totalTokens == 150)
        #expect(result.perField.first?.items == 3)
        #expect(result.riskTags == ["bulk_delete"])
    }

    @Test func perItemMultipliesByVariableListLength() throws {
        let ids = JSONValue.array((0..<700).map { .string("e\($0)") })
        let result = try estimate(
            "mutation Bulk($ids: [ID!]!) { bulkUpdateEntities(ids: $ids, properties: \"{}\") }",
            variables: .object([JSONMember("ids", ids)])
        )
        #expect(result.totalMicros == 7_000_000)  // $7.00: above four-eyes' $5
        #expect(result.totalTokens == 35_000)
    }

    @Test func perItemSingleValueAndAbsentList() throws {
        // Input coercion turns one value into a list of one; no list costs nothing.
        #expect(try estimate(#"mutation { bulkDeleteEntities(ids: "a") }"#).totalMicros == 10_000)
        #expect(try estimate("mutation($ids: [ID!]) { bulkDeleteEntities(ids: $ids) }").totalMicros == 0)
    }

    @Test func unknownMutationField() {
        do {
            _ = try estimate("mutation { dropDatabase }")
            Issue.record("an unknown field was estimated")
        } catch {
            #expect(error.kind == .unknownMutationField("dropDatabase"))
            #expect(error.code == .badRequest)
            #expect(error.field == "dropDatabase")
            #expect(error.message.contains("dropDatabase"))
        }
    }

    @Test func undeclaredMutationField() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("missing-budget.graphql"))
        let partial = try BudgetCatalog(sdl: sdl, fileName: "missing-budget.graphql")
        let operation = try DocumentCache(capacity: 2).analyze(GraphQLRequest(query: #"mutation { createThing(name: "a") deleteThing(id: "1") }"#))
        do {
            _ = try partial.estimate(operation)
            Issue.record("an undeclared field was estimated")
        } catch {
            #expect(error.kind == .budgetDeclarationMissing("deleteThing"))
            #expect(error.code == .budgetDeclarationMissing)
            #expect(error.httpStatus == 403)
            #expect(error.field == "deleteThing")
        }
    }

    @Test func queriesEstimateToZero() throws {
        #expect(try estimate("{ entities { id } }") == .zero)
    }

    @Test func demandControlDirectivesMultiply() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("clean-demand-control.graphql"))
        let demand = try BudgetCatalog(sdl: sdl, fileName: "clean-demand-control.graphql")
        let cache = DocumentCache(capacity: 8)
        func run(_ query: String) throws(AnalysisError) -> Estimate {
            try demand.estimate(cache.analyze(GraphQLRequest(query: query)))
        }
        // first: 40 → 0.001 × 40 × 2.5 = 0.1; tokens 3 × 40 × 2.5 = 300.
        let sliced = try run("mutation { importRows(first: 40) }")
        #expect(sliced.totalMicros == 100_000)
        #expect(sliced.totalTokens == 300)
        #expect(sliced.perField.first?.listSize == 40)
        // No slicing argument: the assumed size, 10 → 0.025; tokens 3 × 10 × 2.5 = 75.
        #expect(try run("mutation { importRows }").totalMicros == 25_000)
        #expect(try run("mutation { importRows }").totalTokens == 75)
        // perItem and @listSize compose: 0.01 × 4 ids × 3.
        #expect(try run(#"mutation { reindex(ids: ["a","b","c","d"]) }"#).totalMicros == 120_000)
        // A single string is a one-element riskTags list.
        #expect(try run("mutation { ping }").riskTags == ["schema_change"])
        #expect(throws: AnalysisError(.invalidArgument(field: "importRows", argument: "first", reason: "must be a non-negative integer"))) {
            try run("mutation { importRows(first: -1) }")
        }
    }

    @Test func costWeightRoundsUp() throws {
        let catalog = BudgetCatalog(declarations: [
            "f": BudgetDeclaration(field: "f", capMicros: 1, tokens: 1, costWeightMillionths: 1_500_000),
        ])
        let result = try catalog.estimate(OperationAnalysis(
            kind: .mutation, name: nil, rootFields: [RootField(name: "f")], depth: 1, aliasCount: 0, isIntrospection: false, documentHash: ""
        ))
        #expect(result.totalMicros == 2)  // 1.5 µ$ rounds up
        #expect(result.totalTokens == 2)
    }

    @Test func overflowIsRefusedNotWrapped() throws {
        let catalog = BudgetCatalog(declarations: [
            "huge": BudgetDeclaration(field: "huge", capMicros: 10_000_000_000, perItem: "ids", listSize: ListSizeDeclaration(assumedSize: 1_000_000_000, slicingArguments: [])),
            "big": BudgetDeclaration(field: "big", capMicros: Int64.max / 2 + 1),
        ])
        let ids = JSONValue.array((0..<1_000).map { .number("\($0)") })
        let huge = OperationAnalysis(
            kind: .mutation, name: nil, rootFields: [RootField(name: "huge", arguments: ["ids": ids])], depth: 1, aliasCount: 0,
            isIntrospection: false, documentHash: ""
        )
        #expect(throws: AnalysisError(.estimateOverflow(field: "huge"))) { try catalog.estimate(huge) }
        // Each field fits; their sum does not.
        let twice = OperationAnalysis(
            kind: .mutation, name: nil, rootFields: [RootField(name: "big"), RootField(name: "big")], depth: 1, aliasCount: 0,
            isIntrospection: false, documentHash: ""
        )
        #expect(throws: AnalysisError(.estimateOverflow(field: "big"))) { try catalog.estimate(twice) }
    }

    @Test func clientSizedSlicingArgumentCannotTrap() throws {
        // A slicing argument is any Int64 the client likes; with a large cap the
        // intermediate product passes even 128 bits, and must be refused, not trap.
        let catalog = BudgetCatalog(declarations: [
            "rows": BudgetDeclaration(
                field: "rows", capMicros: Int64.max, tokens: 1, perItem: "ids", costWeightMillionths: Int64.max,
                listSize: ListSizeDeclaration(assumedSize: nil, slicingArguments: ["first"])
            ),
        ])
        let field = RootField(name: "rows", arguments: ["first": .number("9223372036854775807"), "ids": .array([.null, .null])])
        let operation = OperationAnalysis(
            kind: .mutation, name: nil, rootFields: [field], depth: 1, aliasCount: 0, isIntrospection: false, documentHash: ""
        )
        #expect(throws: AnalysisError(.estimateOverflow(field: "rows"))) { try catalog.estimate(operation) }
    }

    @Test func invalidDeclarationsStopTheCatalog() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("negative-cap.graphql"))
        do {
            _ = try BudgetCatalog(sdl: sdl, fileName: "negative-cap.graphql")
            Issue.record("a negative cap loaded")
        } catch {
            guard case .invalidDeclarations(let findings) = error.kind else { Issue.record("wrong kind \(error.kind)"); return }
            #expect(findings.map(\.kind) == [.negativeCap])
            #expect(error.description.hasPrefix("negative-cap.graphql:3:"))
        }
    }
}
