import Testing
@testable import GraphQLAnalysis

/// What the linter (`check-budget`) reports for `Fixtures/<name>`, under that file name.
func lint(fixture name: String) throws -> [Finding] {
    try BudgetLinter.lint(sdl: TestFiles.text(TestFiles.fixturePath(name)), fileName: name)
}

/// A broken fixture is reported exactly once: an error of `kind` on `field`, at `line`:`column`
/// of that file, its text prefixed `name:line:column: error: ` and its message naming the field.
func expectOneError(
    fixture name: String, _ kind: Finding.Kind, field: String, line: Int, column: Int,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let findings = try lint(fixture: name)
    #expect(findings.count == 1, "\(findings.map(\.text))", sourceLocation: sourceLocation)
    let finding = try #require(findings.first, sourceLocation: sourceLocation)
    #expect(finding.kind == kind, sourceLocation: sourceLocation)
    #expect(finding.field == field, sourceLocation: sourceLocation)
    #expect(finding.file == name, sourceLocation: sourceLocation)
    #expect(finding.position == SourcePosition(line: line, column: column), sourceLocation: sourceLocation)
    #expect(finding.severity == .error, sourceLocation: sourceLocation)
    #expect(finding.text.hasPrefix("\(name):\(line):\(column): error: "), sourceLocation: sourceLocation)
    #expect(finding.message.contains(field), sourceLocation: sourceLocation)
}
