import Testing
@testable import GraphQLAnalysis

@Suite struct BudgetLinterTests {
    @Test func demoSchemaIsClean() throws {
        let sdl = try TestFiles.text(TestFiles.demoSchemaPath)
        #expect(try BudgetLinter.lint(sdl: sdl, fileName: "examples/intelgraph/schema.graphql") == [])
    }

    @Test func demandControlFixtureIsClean() throws {
        #expect(try lint(fixture: "clean-demand-control.graphql") == [])
    }

    /// One broken fixture per kind of finding, each reported once at the offending token.
    @Test(arguments: [
        ("missing-budget.graphql", Finding.Kind.missingBudget, "deleteThing", 4, 3),
        ("missing-budget-extension.graphql", .missingBudget, "purgeThings", 7, 3),
        ("custom-mutation-type.graphql", .missingBudget, "ping", 7, 3),
        ("negative-cap.graphql", .negativeCap, "refund", 3, 44),
        ("absurd-cap.graphql", .absurdCap, "trainModel", 3, 48),
        ("cap-too-precise.graphql", .capTooPrecise, "ping", 3, 33),
        ("cap-not-number.graphql", .capNotNumber, "ping", 3, 33),
        ("missing-cap.graphql", .missingCap, "ping", 3, 17),
        ("unknown-risk-tag.graphql", .unknownRiskTag, "wipe", 3, 74),
        ("per-item-missing-argument.graphql", .perItemMissingArgument, "bulkDelete", 3, 63),
        ("per-item-not-list.graphql", .perItemNotList, "bulkDelete", 3, 79),
        ("negative-tokens.graphql", .negativeTokens, "summarise", 3, 60),
        ("unknown-argument.graphql", .unknownArgument, "ping", 3, 39),
        ("invalid-cost-weight.graphql", .invalidCostWeight, "ping", 5, 53),
        ("invalid-list-size.graphql", .invalidListSize, "importRows", 5, 82),
        ("duplicate-field.graphql", .duplicateField, "ping", 7, 3),
    ])
    func brokenFixture(_ name: String, _ kind: Finding.Kind, _ field: String, _ line: Int, _ column: Int) throws {
        try expectOneError(fixture: name, kind, field: field, line: line, column: column)
    }

    @Test func messagesSayWhatIsWrong() throws {
        #expect(try lint(fixture: "absurd-cap.graphql").first?.message
            == "capUsd 25000.00 of \"trainModel\" is above the maximum of 10000.000000 USD")
        #expect(try lint(fixture: "per-item-not-list.graphql").first?.message
            == "perItem of \"bulkDelete\" names argument \"reason\" of type String, not a list")
        #expect(try lint(fixture: "missing-budget.graphql").first?.message == "mutation field \"deleteThing\" declares no @budget")
    }

    @Test func absurdIsConfigurable() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("absurd-cap.graphql"))
        #expect(try BudgetLinter.lint(sdl: sdl, fileName: "a", rules: BudgetRules(maxCapMicros: 50_000 * 1_000_000)) == [])
        let strict = try BudgetLinter.lint(sdl: TestFiles.text(TestFiles.demoSchemaPath), fileName: "s", rules: BudgetRules(maxCapMicros: 5_000_000))
        #expect(strict.map(\.field) == ["exportData"])
    }

    @Test func invalidSDLThrowsWithFileAndPosition() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("invalid-sdl.graphql"))
        do {
            _ = try BudgetLinter.lint(sdl: sdl, fileName: "invalid-sdl.graphql")
            Issue.record("invalid SDL was linted")
        } catch {
            #expect(error.file == "invalid-sdl.graphql")
            guard case .syntax(let line, let column, _) = error.kind else { Issue.record("wrong kind \(error.kind)"); return }
            #expect(line == 3)
            #expect(column == 8)
            #expect(error.description.hasPrefix("invalid-sdl.graphql:3:8: invalid SDL: "))
        }
    }

    @Test func deeplyNestedSDLIsRefusedNotACrash() {
        let sdl = "type Mutation { a(x: Int = " + String(repeating: "[", count: 5_000) + "): Int }"
        #expect(throws: SchemaError(file: "deep", kind: .tooDeep(limit: NestingScanner.ceiling))) {
            try BudgetLinter.lint(sdl: sdl, fileName: "deep")
        }
    }

    @Test func jsonForCIAnnotations() throws {
        let findings = try lint(fixture: "negative-tokens.graphql")
        #expect(BudgetLinter.json(findings)
            == #"[{"file":"negative-tokens.graphql","line":3,"column":60,"severity":"error","message":"tokens -500 of \"summarise\" is negative","field":"summarise","kind":"negative-tokens"}]"#)
        #expect(BudgetLinter.json([]) == "[]")
    }

    @Test func schemaWithoutMutationsIsClean() throws {
        #expect(try BudgetLinter.lint(sdl: "type Query { a: Int }", fileName: "q") == [])
    }
}
