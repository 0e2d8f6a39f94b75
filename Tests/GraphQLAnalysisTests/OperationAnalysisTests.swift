import Foundation
import Kit
import Testing
@testable import GraphQLAnalysis

@Suite struct OperationAnalysisTests {
    private func analyze(_ query: String, operationName: String? = nil, variables: JSONValue? = nil) throws(AnalysisError) -> OperationAnalysis {
        try DocumentCache(capacity: 4).analyze(GraphQLRequest(query: query, operationName: operationName, variables: variables))
    }

    @Test func seedCurlMutation() throws {
        let operation = try analyze(#"mutation { createEntity(name: "rollback-test") { id } }"#)
        #expect(operation.kind == .mutation)
        #expect(operation.name == nil)
        #expect(operation.rootFields == [RootField(name: "createEntity", arguments: ["name": .string("rollback-test")])])
        #expect(operation.depth == 2)
        #expect(operation.aliasCount == 0)
        #expect(!operation.isIntrospection)
        #expect(operation.documentHash.count == 64)
    }

    @Test func documentHashIsTheSHA256OfTheText() throws {
        // printf '%s' '{ health }' | sha256sum
        #expect(try analyze("{ health }").documentHash == "d2c7e7d0b1839e8324b9165a4224dd7bbe5ff66e461953489ecb2cf220129571")
        #expect(try analyze("{  health }").documentHash != analyze("{ health }").documentHash)
    }

    @Test func everyRootOccurrenceCountsAndTypenameIsIgnored() throws {
        let operation = try analyze("""
            mutation {
              __typename
              first: deleteEntity(id: "1")
              second: deleteEntity(id: "2")
              deleteEntity(id: "3")
            }
            """)
        #expect(operation.rootFields.map(\.name) == ["deleteEntity", "deleteEntity", "deleteEntity"])
        #expect(operation.rootFields.map(\.alias) == ["first", "second", nil])
        #expect(operation.rootFields.map(\.responseKey) == ["first", "second", "deleteEntity"])
        #expect(operation.aliasCount == 2)
    }

    @Test func rootFragmentsAreExpanded() throws {
        let operation = try analyze("""
            mutation Clean {
              ...Deletes
              ... on Mutation { SafeNoop }
              ... { merge: mergeEntities(sourceId: "a", targetId: "b") { id } }
            }
            fragment Deletes on Mutation {
              deleteEntity(id: "1")
              ... on Mutation { bulkDeleteEntities(ids: ["x", "y"]) }
            }
            """)
        #expect(operation.name == "Clean")
        #expect(operation.rootFields.map(\.name) == ["deleteEntity", "bulkDeleteEntities", "SafeNoop", "mergeEntities"])
        #expect(operation.rootFields[1].arguments["ids"] == .array([.string("x"), .string("y")]))
    }

    @Test func argumentsResolveAgainstVariables() throws {
        let query = """
            mutation Bulk($ids: [ID!]!, $tenant: String = "other", $props: String, $unused: Int) {
              bulkUpdateEntities(ids: $ids, properties: $props)
              moveEntityToTenant(id: "e1", targetTenant: $tenant)
              createEntity(name: "n", type: PERSON, properties: null, tenantId: $missing2)
            }
            """
        let variables = JSONValue.object([
            JSONMember("ids", .array([.string("a"), .string("b"), .string("c")])),
            JSONMember("props", .string("{}")),
        ])
        // $missing2 is not declared.
        #expect(throws: AnalysisError(.undefinedVariable("missing2"))) { try analyze(query, variables: variables) }

        let fixed = query.replacingOccurrences(of: ", tenantId: $missing2", with: ", id: [$unused, 2]")
        let operation = try analyze(fixed, variables: variables)
        #expect(operation.rootFields[0].arguments == ["ids": .array([.string("a"), .string("b"), .string("c")]), "properties": .string("{}")])
        // Not sent: the variable's default.
        #expect(operation.rootFields[1].arguments["targetTenant"] == .string("other"))
        // Enums read as strings, explicit null stays null, a missing variable in a list is null.
        #expect(operation.rootFields[2].arguments["type"] == .string("PERSON"))
        #expect(operation.rootFields[2].arguments["properties"] == .null)
        #expect(operation.rootFields[2].arguments["id"] == .array([.null, .number("2")]))
    }

    @Test func absentVariableLeavesTheArgumentAbsent() throws {
        let operation = try analyze("mutation($ids: [ID!]) { bulkDeleteEntities(ids: $ids) }", variables: .object([]))
        #expect(operation.rootFields[0].arguments["ids"] == nil)
    }

    @Test func operationChosenByName() throws {
        let document = "query Read { health } mutation Write { SafeNoop }"
        #expect(try analyze(document, operationName: "Read").kind == .query)
        let write = try analyze(document, operationName: "Write")
        #expect(write.kind == .mutation)
        #expect(write.rootFields.map(\.name) == ["SafeNoop"])
    }

    @Test func introspectionAnywhereIsFlagged() throws {
        #expect(try analyze("{ __schema { types { name } } }").isIntrospection)
        #expect(try analyze("{ entity(id: \"1\") { ...F } } fragment F on Entity { id meta: __type(name: \"Entity\") { name } }").isIntrospection)
        #expect(try !analyze("{ __typename health }").isIntrospection)
        #expect(try analyze("subscription { changes { __typename } }").kind == .subscription)
    }
}
