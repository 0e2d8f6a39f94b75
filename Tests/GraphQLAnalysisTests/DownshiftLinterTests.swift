import Testing
@testable import GraphQLAnalysis

/// `@downshift` and `@cacheable` as the linter (`check-budget`) reports them.
@Suite struct DownshiftLinterTests {
    /// One broken fixture per bad input, each reported once, as an error, at the offending token.
    @Test(arguments: [
        ("downshift-unknown-priority.graphql", Finding.Kind.unknownPriority, "search", 4, 58),
        ("downshift-word-priority.graphql", .unknownPriority, "search", 4, 58),
        ("downshift-missing-priority.graphql", .missingPriority, "search", 4, 37),
        ("downshift-priority-not-string.graphql", .invalidPriority, "search", 4, 58),
        ("downshift-tags-not-strings.graphql", .invalidDownshiftTags, "search", 4, 85),
        ("downshift-hops-arg-missing-argument.graphql", .hopsArgMissingArgument, "path", 4, 86),
        ("downshift-hops-arg-not-int.graphql", .hopsArgNotInt, "path", 4, 86),
        ("downshift-hops-arg-not-string.graphql", .invalidHopsArg, "path", 4, 86),
        ("downshift-repeated.graphql", .repeatedDirective, "search", 4, 64),
        ("downshift-unknown-argument.graphql", .unknownArgument, "search", 4, 64),
        ("downshift-not-root-field.graphql", .downshiftNotRootField, "Entity.name", 5, 17),
        ("cacheable-on-mutation.graphql", .cacheableNotQuery, "refresh", 8, 42),
        ("cacheable-zero-ttl.graphql", .invalidCacheTTL, "search", 4, 60),
        ("cacheable-ttl-not-int.graphql", .invalidCacheTTL, "search", 4, 60),
        ("cacheable-absurd-ttl.graphql", .absurdCacheTTL, "search", 4, 60),
        ("cacheable-missing-ttl.graphql", .invalidCacheTTL, "search", 4, 37),
        ("cacheable-repeated.graphql", .repeatedDirective, "search", 4, 64),
    ])
    func brokenFixture(_ name: String, _ kind: Finding.Kind, _ field: String, _ line: Int, _ column: Int) throws {
        try expectOneError(fixture: name, kind, field: field, line: line, column: column)
    }

    @Test func messagesSayWhatIsWrong() throws {
        #expect(try lint(fixture: "downshift-unknown-priority.graphql").first?.message
            == "unknown priority \"P4\" on \"search\" (known: P0, P1, P2, P3)")
        #expect(try lint(fixture: "downshift-hops-arg-missing-argument.graphql").first?.message
            == "hopsArg of \"path\" names \"depth\", which is not an argument of \"path\"")
        #expect(try lint(fixture: "downshift-hops-arg-not-int.graphql").first?.message
            == "hopsArg of \"path\" names argument \"to\" of type ID!, not Int")
        #expect(try lint(fixture: "cacheable-absurd-ttl.graphql").first?.message
            == "ttlSeconds 604800 of \"search\" is above the maximum of 86400")
    }

    /// An API team may tag fields before the gateway knows the tag: a warning, not an error.
    @Test func unknownTagIsAWarning() throws {
        let findings = try lint(fixture: "downshift-unknown-tag.graphql")
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.kind == .unknownDownshiftTag)
        #expect(finding.severity == .warning)
        #expect(finding.position == SourcePosition(line: 4, column: 85))
        #expect(finding.text.hasPrefix("downshift-unknown-tag.graphql:4:85: warning: downshift tag \"gpu\" on \"search\""))
    }

    @Test func unknownTagCanBeTaughtToTheRules() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("downshift-unknown-tag.graphql"))
        let rules = DownshiftRules(knownTags: DownshiftRules.standardTags.union(["gpu"]))
        #expect(try BudgetLinter.lint(sdl: sdl, fileName: "t", downshiftRules: rules) == [])
    }

    @Test func cleanFixtureIsClean() throws {
        #expect(try lint(fixture: "downshift-clean.graphql") == [])
    }

    @Test func repeatedQueryFieldIsReported() throws {
        let sdl = """
            type Query {
              a: Int
              a: Int
            }
            """
        let findings = try BudgetLinter.lint(sdl: sdl, fileName: "q")
        #expect(findings.map(\.kind) == [.duplicateField])
        #expect(findings.first?.position == SourcePosition(line: 3, column: 3))
        #expect(findings.first?.message == "query field \"a\" is defined more than once")
    }

    /// The budget pass already reports a repeated mutation field; the downshift pass must not say it twice.
    @Test func repeatedMutationFieldIsReportedOnce() throws {
        #expect(try lint(fixture: "duplicate-field.graphql").map(\.kind) == [.duplicateField])
    }

    @Test func jsonCarriesTheKindAndSeverity() throws {
        let findings = try lint(fixture: "downshift-unknown-tag.graphql")
        let json = BudgetLinter.json(findings)
        #expect(json.contains(#""severity":"warning""#))
        #expect(json.contains(#""kind":"unknown-downshift-tag""#))
    }
}
