import Foundation
import GraphQL
import IntelGraphDemo
import Testing

/// The operations in `examples/intelgraph/operations/` stay valid against
/// the schema, and every Mutation field has one.
@Suite struct ExampleOperationsTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/intelgraph/operations")

    static func operationFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "graphql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func everyExampleValidatesAgainstTheSchema() throws {
        let schema = try buildSchema(source: IntelGraphSchemaSDL.text)
        let files = try Self.operationFiles()
        #expect(files.count >= 16)
        for file in files {
            let document = try parse(source: Source(body: try String(contentsOf: file, encoding: .utf8)))
            let problems = validate(schema: schema, ast: document)
            #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems.map(\.message))")
        }
    }

    @Test func everyMutationFieldHasAnExample() throws {
        var used = Set<String>()
        for file in try Self.operationFiles() {
            let document = try parse(source: Source(body: try String(contentsOf: file, encoding: .utf8)))
            for case let operation as OperationDefinition in document.definitions where operation.operation == .mutation {
                for case let field as Field in operation.selectionSet.selections {
                    used.insert(field.name.value)
                }
            }
        }
        let declared = Set(try IntelGraphDemoServer().budgets.keys)
        #expect(declared.subtracting(used).isEmpty, "no example for \(declared.subtracting(used).sorted())")
    }

    /// The runbooks' two literal mutations run as written.
    @Test(arguments: ["rollback-test.graphql", "safe-noop.graphql"])
    func runbookExamplesExecute(file: String) async throws {
        let client = try DemoClient()
        let text = try String(contentsOf: Self.directory.appendingPathComponent(file), encoding: .utf8)
        let (response, body) = try await client.post(text, tenant: "demo")
        #expect(response.status == 200)
        #expect(body["errors"] == nil)
        #expect(body.actualUsd != nil)
    }
}
