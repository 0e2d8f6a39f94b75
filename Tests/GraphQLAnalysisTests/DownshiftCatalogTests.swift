import Testing
@testable import GraphQLAnalysis

@Suite struct DownshiftCatalogTests {
    private func catalog(fixture name: String) throws -> DownshiftCatalog {
        try DownshiftCatalog(sdl: TestFiles.text(TestFiles.fixturePath(name)), fileName: name)
    }

    @Test func readsRootFieldsThroughSchemaAndExtensions() throws {
        let catalog = try catalog(fixture: "downshift-clean.graphql")
        #expect(catalog.queryTypeName == "Root")
        #expect(catalog.mutationTypeName == "Writes")
        #expect(catalog.classify(.query, field: "health") == FieldClass(priority: .p0))
        #expect(catalog.classify(.query, field: "search")
            == FieldClass(priority: .p2, tags: ["heavy_read"], cacheTTLSeconds: 30))
        #expect(catalog.classify(.query, field: "path") == FieldClass(priority: .p1, hopsArgument: "maxHops"))
        #expect(catalog.classify(.mutation, field: "ping") == FieldClass(priority: .p0))
        // Repeated tags are kept once.
        #expect(catalog.classify(.mutation, field: "importRows") == FieldClass(priority: .p3, tags: ["batch"]))
        #expect(catalog.warnings.isEmpty)
    }

    @Test func undeclaredAndUnknownFieldsAreP2() throws {
        let catalog = try catalog(fixture: "downshift-clean.graphql")
        #expect(catalog.classify(.mutation, field: "summarize") == .undeclared)
        #expect(catalog.classify(.mutation, field: "noSuchField") == .undeclared)
        #expect(catalog.classify(.subscription, field: "health") == .undeclared)
        #expect(FieldClass.undeclared.priority == .p2)
        #expect(catalog.mutationFields.keys.sorted() == ["importRows", "ping", "summarize"])
        // The same name on the other root type is a different field.
        #expect(catalog.classify(.mutation, field: "health") == .undeclared)
    }

    @Test func emptyCatalogClassifiesEverythingP2() {
        #expect(DownshiftCatalog.empty.classify(.query, field: "health") == .undeclared)
        #expect(DownshiftCatalog.empty.classify(.mutation, field: "SafeNoop").priority == .p2)
    }

    @Test func priorityLabelsAndOrder() {
        #expect(DownshiftPriority.allCases.map(\.label) == ["P0", "P1", "P2", "P3"])
        #expect(DownshiftPriority(label: "P1") == .p1)
        #expect(DownshiftPriority(label: "p1") == nil)
        #expect(DownshiftPriority(label: "P4") == nil)
        #expect(DownshiftPriority.p0 < .p3)
        #expect([DownshiftPriority.p3, .p0, .p2].max() == .p3)
    }

    /// The gateway must not start on a schema the linter rejects.
    @Test(arguments: [
        "downshift-unknown-priority.graphql", "downshift-hops-arg-missing-argument.graphql",
        "cacheable-on-mutation.graphql", "cacheable-zero-ttl.graphql", "downshift-repeated.graphql",
    ])
    func invalidDeclarationsAreRefused(_ name: String) throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath(name))
        let linted = try BudgetLinter.lint(sdl: sdl, fileName: name).filter { $0.kind != .missingBudget }
        #expect(throws: SchemaError(file: name, kind: .invalidDeclarations(linted))) {
            try DownshiftCatalog(sdl: sdl, fileName: name)
        }
    }

    @Test func unknownPriorityIsRefusedWithFileLineAndColumn() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("downshift-unknown-priority.graphql"))
        do {
            _ = try DownshiftCatalog(sdl: sdl, fileName: "schema.graphql")
            Issue.record("an unknown priority loaded")
        } catch {
            #expect(error.description == #"schema.graphql:4:58: error: unknown priority "P4" on "search" (known: P0, P1, P2, P3)"#)
        }
    }

    @Test func hopsArgNamingNoArgumentIsRefusedWithFileLineAndColumn() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("downshift-hops-arg-missing-argument.graphql"))
        do {
            _ = try DownshiftCatalog(sdl: sdl, fileName: "schema.graphql")
            Issue.record("a hopsArg naming no argument loaded")
        } catch {
            guard case .invalidDeclarations(let findings) = error.kind else { Issue.record("wrong kind \(error.kind)"); return }
            #expect(findings.map(\.kind) == [.hopsArgMissingArgument])
            #expect(error.description.hasPrefix("schema.graphql:4:86: error: hopsArg of \"path\" names \"depth\""))
        }
    }

    /// Warnings load (the tag is kept, so a later tier rule can match it) and are handed to the caller.
    @Test func unknownTagLoadsWithAWarning() throws {
        let catalog = try catalog(fixture: "downshift-unknown-tag.graphql")
        #expect(catalog.classify(.query, field: "search").tags == ["heavy_read", "gpu"])
        #expect(catalog.warnings.map(\.kind) == [.unknownDownshiftTag])
    }

    @Test func invalidSDLIsASyntaxError() throws {
        let sdl = try TestFiles.text(TestFiles.fixturePath("invalid-sdl.graphql"))
        do {
            _ = try DownshiftCatalog(sdl: sdl, fileName: "invalid-sdl.graphql")
            Issue.record("invalid SDL loaded")
        } catch {
            guard case .syntax(let line, let column, _) = error.kind else { Issue.record("wrong kind \(error.kind)"); return }
            #expect((line, column) == (3, 8))
        }
    }

    @Test func demoSchemaClassesEveryTier() throws {
        let catalog = try DownshiftCatalog(sdl: TestFiles.text(TestFiles.demoSchemaPath), fileName: "schema.graphql")
        #expect(catalog.warnings.isEmpty)
        #expect(catalog.classify(.query, field: "health").priority == .p0)
        #expect(catalog.classify(.mutation, field: "SafeNoop").priority == .p0)
        #expect(catalog.classify(.query, field: "path") == FieldClass(priority: .p1, hopsArgument: "maxHops"))
        let all = Array(catalog.queryFields.values) + Array(catalog.mutationFields.values)
        #expect(Set(all.map(\.priority)) == Set(DownshiftPriority.allCases))
        for tag in DownshiftRules.standardTags.sorted() {
            #expect(all.contains { $0.hasTag(tag) }, "no demo field is tagged \(tag)")
        }
        let heavy = try #require(catalog.queryFields.values.first { $0.hasTag("heavy_read") })
        #expect(heavy.cacheTTLSeconds == 30)
    }
}
