import Foundation
import GraphQL
import IntelGraphDemo
import Testing

/// The SDL file is what the gateway loads and lints; these tests hold it and
/// the executable schema to each other.
@Suite struct SchemaFileTests {
    static let schemaPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/intelgraph/schema.graphql").path

    static func fileText() throws -> String {
        try String(contentsOfFile: schemaPath, encoding: .utf8)
    }

    static func mutationDefinition() throws -> ObjectTypeDefinition {
        let document = try parse(source: Source(body: try fileText(), name: "schema.graphql"))
        let types = document.definitions.compactMap { $0 as? ObjectTypeDefinition }
        return try #require(types.first { $0.name.value == "Mutation" })
    }

    @Test func fileParsesAndBuildsASchema() throws {
        let schema = try buildSchema(source: try Self.fileText())
        #expect(schema.queryType?.name == "Query")
        #expect(schema.mutationType?.name == "Mutation")
        #expect(schema.getDirective(name: "budget") != nil)
    }

    @Test func builtInSchemaIsByteIdenticalToTheFile() throws {
        #expect(IntelGraphSchemaSDL.text == (try Self.fileText()))
    }

    @Test func everyMutationFieldDeclaresABudgetWithAnExactCap() throws {
        let mutation = try Self.mutationDefinition()
        #expect(!mutation.fields.isEmpty)
        for field in mutation.fields {
            let budget = try #require(
                field.directives.first { $0.name.value == "budget" }, "\(field.name.value) has no @budget"
            )
            let cap = try #require(budget.arguments.first { $0.name.value == "capUsd" }?.value as? FloatValue)
            let fraction = cap.value.split(separator: ".").dropFirst().first ?? ""
            #expect(fraction.count <= 6, "\(field.name.value) cap \(cap.value) has more than 6 decimals")
        }
    }

    @Test func mutationFieldsAreTheOnesTheRunbooksAndGatewayUse() throws {
        let names = Set(try Self.mutationDefinition().fields.map(\.name.value))
        #expect(names == [
            "createEntity", "updateEntity", "deleteEntity", "mergeEntities", "bulkDeleteEntities",
            "bulkUpdateEntities", "exportData", "moveEntityToTenant", "createRelationship",
            "deleteRelationship", "SafeNoop",
            // The downshift ladder's jobs (batch, enricher, llm).
            "bulkImportEntities", "enrichEntity", "summarizeEntity",
        ])
    }

    @Test func serverReadsTheDeclaredBudgets() throws {
        let budgets = try IntelGraphDemoServer(schemaSDLPath: Self.schemaPath).budgets
        #expect(budgets["SafeNoop"] == BudgetDeclaration(cap: MicroUSD(micros: 1_000), tokens: 10))
        #expect(budgets["createEntity"]?.cap == MicroUSD(micros: 20_000))
        #expect(budgets["exportData"]?.cap == MicroUSD(micros: 6_000_000))
        #expect(budgets["exportData"]?.riskTags == ["data_export"])
        #expect(budgets["deleteEntity"]?.riskTags == ["destructive"])
        #expect(budgets["mergeEntities"]?.riskTags == ["merge_entities"])
        #expect(budgets["moveEntityToTenant"]?.riskTags == ["cross_tenant_move"])
        #expect(budgets["bulkDeleteEntities"]?.riskTags == ["bulk_delete"])
        #expect(budgets["bulkDeleteEntities"]?.perItem == "ids")
        #expect(budgets["bulkUpdateEntities"]?.riskTags == ["bulk_update"])
        #expect(budgets["bulkUpdateEntities"]?.perItem == "ids")
        #expect(budgets["bulkImportEntities"] == BudgetDeclaration(cap: MicroUSD(micros: 5_000), tokens: 20, perItem: "names"))
        #expect(budgets["summarizeEntity"]?.tokens == 4_000)
        #expect(budgets.count == 14)
    }

    /// Introspects the running schema and compares every mutation field and
    /// argument (name and printed type) with the file's AST.
    @Test func executableSchemaHasExactlyTheFilesMutationFieldsAndArguments() async throws {
        let client = try DemoClient()
        let (_, body) = try await client.post("""
            { __schema { mutationType { fields { name args { name type { ...T } } } } } }
            fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
            """)
        let fields = try #require(body["data"]?["__schema"]?["mutationType"]?["fields"]?.arrayValue)
        var executable: [String: [String: String]] = [:]
        for field in fields {
            let name = try #require(field["name"]?.stringValue)
            var arguments: [String: String] = [:]
            for argument in field["args"]?.arrayValue ?? [] {
                arguments[try #require(argument["name"]?.stringValue)] = Self.printType(argument["type"])
            }
            executable[name] = arguments
        }
        var declared: [String: [String: String]] = [:]
        for field in try Self.mutationDefinition().fields {
            var arguments: [String: String] = [:]
            for argument in field.arguments {
                arguments[argument.name.value] = Self.printType(argument.type)
            }
            declared[field.name.value] = arguments
        }
        #expect(executable == declared)
    }

    static func printType(_ type: JSONValue?) -> String {
        guard let type else { return "?" }
        switch type["kind"]?.stringValue {
        case "NON_NULL": return printType(type["ofType"]) + "!"
        case "LIST": return "[" + printType(type["ofType"]) + "]"
        default: return type["name"]?.stringValue ?? "?"
        }
    }

    static func printType(_ type: any GraphQL.`Type`) -> String {
        switch type {
        case let nonNull as NonNullType: return printType(nonNull.type) + "!"
        case let list as ListType: return "[" + printType(list.type) + "]"
        case let named as NamedType: return named.name.value
        default: return "?"
        }
    }

    @Test func anUndeclaredFieldInACustomSchemaIsRefusedAtStart() throws {
        let sdl = IntelGraphSchemaSDL.text.replacingOccurrences(
            of: "type Mutation {", with: "type Mutation {\n  launchRockets: Boolean @budget(capUsd: 1)"
        )
        #expect(throws: DemoSetupError.missingResolver(type: "Mutation", field: "launchRockets")) {
            try IntelGraphDemoServer(sdl: sdl)
        }
    }

    @Test func aCapWithSevenDecimalsIsRefusedAtStart() throws {
        let sdl = IntelGraphSchemaSDL.text.replacingOccurrences(
            of: "@budget(capUsd: 0.001, tokens: 10)", with: "@budget(capUsd: 0.0000001, tokens: 10)"
        )
        #expect(throws: DemoSetupError.self) { try IntelGraphDemoServer(sdl: sdl) }
    }

    @Test func anUnreadableSchemaPathIsNamed() throws {
        #expect {
            try IntelGraphDemoServer(schemaSDLPath: "/nonexistent/schema.graphql")
        } throws: { error in
            guard case .schemaUnreadable(let path, _)? = error as? DemoSetupError else { return false }
            return path == "/nonexistent/schema.graphql"
        }
    }
}
