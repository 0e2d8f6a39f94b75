/// The API's mutation fields and their `@budget` declarations, loaded once
/// from the SDL (`schema.path`) and shared read-only by every request.
public struct BudgetCatalog: Sendable {
    /// The mutation root type's name (`Mutation` unless `schema {}` says otherwise).
    public let mutationTypeName: String
    /// Declarations by field name.
    public let declarations: [String: BudgetDeclaration]
    /// Mutation fields with no `@budget`: calling one is `BUDGET_DECLARATION_MISSING`.
    public let undeclaredFields: Set<String>
    /// The declarations boxed, so the per-request lookup copies one reference
    /// instead of a struct of strings and arrays.
    let entries: [String: Entry]

    final class Entry: Sendable {
        let declaration: BudgetDeclaration

        init(_ declaration: BudgetDeclaration) {
            self.declaration = declaration
        }
    }

    /// Loads `sdl` (`extend type Mutation` included). Throws when the SDL does
    /// not parse or any declaration is invalid (a gateway must not start on a
    /// schema its linter rejects); undeclared fields load and are refused per request.
    public init(sdl: String, fileName: String = "schema.graphql", rules: BudgetRules = .default) throws(SchemaError) {
        let schema = try MutationSchema.load(sdl: sdl, fileName: fileName)
        var reader = DeclarationReader(fileName: fileName, rules: rules)
        var declarations: [String: BudgetDeclaration] = [:]
        var undeclared: Set<String> = []
        var seen: Set<String> = []
        var problems: [Finding] = []
        for entry in schema.fields {
            let name = entry.definition.name.value
            guard seen.insert(name).inserted else {
                problems.append(BudgetLinter.duplicate(entry, fileName: fileName))
                continue
            }
            if let declaration = reader.read(entry) {
                declarations[name] = declaration
            } else {
                undeclared.insert(name)
            }
        }
        problems += reader.findings.filter { $0.kind != .missingBudget }
        guard problems.isEmpty else {
            throw SchemaError(file: fileName, kind: .invalidDeclarations(problems.sorted { $0.position < $1.position }))
        }
        self.init(mutationTypeName: schema.typeName, declarations: declarations, undeclaredFields: undeclared)
    }

    /// A catalog from declarations already at hand (tests, tools).
    public init(mutationTypeName: String = "Mutation", declarations: [String: BudgetDeclaration], undeclaredFields: Set<String> = []) {
        self.mutationTypeName = mutationTypeName
        self.declarations = declarations
        self.undeclaredFields = undeclaredFields
        entries = declarations.mapValues(Entry.init)
    }

    /// Whether the API has a mutation field `name`, declared or not.
    public func hasMutationField(_ name: String) -> Bool {
        declarations[name] != nil || undeclaredFields.contains(name)
    }
}
