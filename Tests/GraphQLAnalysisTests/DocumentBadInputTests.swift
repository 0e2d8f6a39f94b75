import Testing
@testable import GraphQLAnalysis

/// The issue's bad inputs at the document level, a named test each. None may crash or hang.
@Suite struct DocumentBadInputTests {
    private func analyze(_ query: String, operationName: String? = nil, limits: AnalysisLimits = .default) throws(AnalysisError) -> OperationAnalysis {
        try DocumentCache(capacity: 4).analyze(GraphQLRequest(query: query, operationName: operationName), limits: limits)
    }

    @Test func syntaxErrorNamesLineAndColumn() {
        do {
            _ = try analyze("mutation {\n  createEntity(name: \"x\" {\n    id\n  }\n}")
            Issue.record("a syntax error was accepted")
        } catch {
            guard case .syntax(let line, let column, let description) = error.kind else {
                Issue.record("wrong kind \(error.kind)")
                return
            }
            #expect(line == 2)
            #expect(column == 26)
            #expect(description == "Expected Name, found {")
            #expect(error.message == "GraphQL syntax error at 2:26: Expected Name, found {")
            #expect(error.code == .badRequest)
        }
    }

    @Test func unterminatedStringIsASyntaxError() {
        #expect(throws: AnalysisError.self) { try analyze("{ a(x: \"abc) }") }
    }

    @Test func unknownOperationName() {
        #expect(throws: AnalysisError(.unknownOperation("Missing"))) {
            try analyze("query A { a } mutation B { b }", operationName: "Missing")
        }
    }

    @Test func severalOperationsWithoutAName() {
        #expect(throws: AnalysisError(.operationNameRequired)) { try analyze("query A { a } mutation B { b }") }
    }

    @Test func anonymousOperationMustBeAlone() {
        #expect(throws: AnalysisError(.anonymousOperationNotAlone)) { try analyze("{ a } mutation B { b }", operationName: "B") }
    }

    @Test func duplicateOperationNames() {
        #expect(throws: AnalysisError(.duplicateOperation("A"))) { try analyze("query A { a } mutation A { b }", operationName: "A") }
    }

    @Test func typeDefinitionsAreNotExecutable() {
        #expect(throws: AnalysisError(.notExecutable)) { try analyze("type Mutation { a: Int } mutation { a }") }
    }

    @Test func onlyFragmentsIsNoOperation() {
        #expect(throws: AnalysisError(.noOperation)) { try analyze("fragment F on Mutation { a }") }
    }

    @Test func fragmentCyclesAreRejected() {
        #expect(throws: AnalysisError(.fragmentCycle("A"))) {
            try analyze("mutation { ...A } fragment A on Mutation { a ...B } fragment B on Mutation { b ...A }")
        }
        // A cycle in an unused fragment still makes the document invalid.
        #expect(throws: AnalysisError(.fragmentCycle("Self"))) {
            try analyze("mutation { a } fragment Self on Mutation { x { ...Self } }")
        }
    }

    @Test func unknownFragment() {
        #expect(throws: AnalysisError(.unknownFragment("Nope"))) { try analyze("mutation { ...Nope }") }
    }

    @Test func undefinedVariable() {
        #expect(throws: AnalysisError(.undefinedVariable("ids"))) { try analyze("mutation { bulkDeleteEntities(ids: $ids) }") }
    }

    @Test func repeatedArgumentIsRefused() {
        // Which `ids` counts could differ between the gateway and the upstream.
        #expect(throws: AnalysisError(.duplicateArgument(field: "bulkDeleteEntities", argument: "ids"))) {
            try analyze(#"mutation { bulkDeleteEntities(ids: ["a"], ids: ["a", "b", "c"]) }"#)
        }
    }

    /// 1 MB of nested selections: refused before the parser (which would
    /// overflow its stack about a thousand levels down), not a crash.
    @Test func oneMegabyteOfNestedSelections() {
        let levels = 1_048_576 / 4
        let document = String(repeating: "{ a ", count: levels) + String(repeating: "}", count: levels)
        #expect(document.utf8.count >= 1_048_576)
        let generous = AnalysisLimits(maxDocumentBytes: 4 * 1_048_576)
        #expect(throws: AnalysisError(.nestingLimit(limit: 64))) { try analyze(document, limits: generous) }
        // Under the default limits the size check answers first.
        do {
            _ = try analyze(document)
            Issue.record("a 1 MB document was accepted")
        } catch {
            #expect(error.kind == .documentTooLarge(bytes: document.utf8.count, limit: 256 * 1024))
            #expect(error.httpStatus == 413)
        }
    }

    @Test func nestingJustPastTheParserCeilingIsStillRefused() {
        // Even with limits set absurdly high the scanner's ceiling protects the parser.
        let document = String(repeating: "{ a ", count: 2_000) + String(repeating: "}", count: 2_000)
        let loose = AnalysisLimits(maxDepth: 10_000, maxNesting: 100_000)
        #expect(throws: AnalysisError(.nestingLimit(limit: NestingScanner.ceiling))) { try analyze(document, limits: loose) }
    }

    @Test func depthLimitCountsFields() throws {
        func nested(_ depth: Int) -> String {
            "query " + String(repeating: "{ a ", count: depth) + String(repeating: "}", count: depth)
        }
        // `depth` selection sets hold depth - 1 fields... plus the innermost `a`.
        #expect(try analyze(nested(15)).depth == 15)
        #expect(throws: AnalysisError(.depthLimit(depth: 16, limit: 15))) { try analyze(nested(16)) }
    }

    @Test func depthFollowsFragments() {
        let query = """
            query { ...A }
            fragment A on Query { a { b { ...B } } }
            fragment B on B { c { d { e } } }
            """
        #expect(throws: AnalysisError(.depthLimit(depth: 5, limit: 4))) { try analyze(query, limits: AnalysisLimits(maxDepth: 4)) }
    }

    @Test func tenThousandAliases() {
        let fields = (0..<10_000).map { "a\($0): __typename" }.joined(separator: " ")
        let document = "query { \(fields) }"
        #expect(document.utf8.count < 256 * 1024)
        #expect(throws: AnalysisError(.aliasLimit(count: 10_000, limit: 100))) { try analyze(document) }
    }

    @Test func aliasesCountEachUseOfAFragment() throws {
        let fragment = "fragment F on Entity { a1: id a2: id a3: id a4: id a5: id }"
        let uses = (0..<30).map { "e\($0): entity(id: \"\($0)\") { ...F }" }.joined(separator: " ")
        // 30 aliased fields + 30 uses × 5 aliases = 180.
        #expect(throws: AnalysisError(.aliasLimit(count: 180, limit: 100))) { try analyze("query { \(uses) } \(fragment)") }
    }

    @Test func exponentialFragmentsAreBounded() {
        // F0 spreads F1 twice, F1 spreads F2 twice, … 2^40 root fields if expanded naively.
        var fragments = (0..<40).map { "fragment F\($0) on Mutation { ...F\($0 + 1) ...F\($0 + 1) }" }
        fragments.append("fragment F40 on Mutation { SafeNoop }")
        let document = "mutation { ...F0 } " + fragments.joined(separator: " ")
        #expect(throws: AnalysisError(.rootFieldLimit(count: 51, limit: 50))) { try analyze(document) }
    }

    @Test func longFragmentChainsAreBounded() {
        // 5,000 fragments, each only spreading the next: no depth, but deep recursion.
        var fragments = (0..<5_000).map { "fragment F\($0) on Query { ...F\($0 + 1) }" }
        fragments.append("fragment F5000 on Query { a }")
        let document = "query { ...F0 } " + fragments.joined(separator: " ")
        #expect(throws: AnalysisError(.nestingLimit(limit: 64))) { try analyze(document) }
    }

    @Test func tooManyRootFields() {
        let fields = (0..<60).map { "f\($0): SafeNoop" }.joined(separator: " ")
        #expect(throws: AnalysisError(.rootFieldLimit(count: 51, limit: 50))) {
            try analyze("mutation { \(fields) }", limits: AnalysisLimits(maxAliases: 1_000))
        }
    }

    @Test func garbageNeverCrashes() {
        let inputs = ["", "{", "}", "mutation", "mutation {", "{ a(", "\"\"\"", "# only a comment", "query Q($x: [[[Int]]] = [[[1]]]) { a }",
                      String(repeating: "(", count: 10_000), String(repeating: "[", count: 10_000), "{ a(x: \(String(repeating: "[", count: 500))) }"]
        for input in inputs {
            _ = try? analyze(input)
        }
    }
}
