import Kit

/// `safemut check-budget`'s rules: every mutation field declares a valid
/// `@budget` (positive, sane cap in at most six decimals; known risk tags;
/// `perItem` naming a list argument; non-negative tokens), and valid
/// `@cost`/`@listSize` when present; root fields' `@downshift` and
/// `@cacheable` are valid (`DownshiftReader`), unknown downshift tags warn.
public enum BudgetLinter {
    /// Every finding in `sdl`, in source order; throws when the SDL itself is invalid.
    public static func lint(
        sdl: String, fileName: String, rules: BudgetRules = .default, downshiftRules: DownshiftRules = .default
    ) throws(SchemaError) -> [Finding] {
        let document = try SchemaDocument.parse(sdl: sdl, fileName: fileName)
        let schema = MutationSchema.load(document)
        var reader = DeclarationReader(fileName: fileName, rules: rules)
        var seen: Set<String> = []
        var findings: [Finding] = []
        for entry in schema.fields {
            guard seen.insert(entry.definition.name.value).inserted else {
                findings.append(duplicate(entry, fileName: fileName))
                continue
            }
            _ = reader.read(entry)
        }
        findings += reader.findings
        findings += DownshiftCatalog.read(document, fileName: fileName, rules: downshiftRules, reportMutationDuplicates: false).findings
        return findings.sorted { $0.position < $1.position }
    }

    /// Findings as the JSON array CI annotations read.
    public static func json(_ findings: [Finding]) -> String {
        JSONValue.array(findings.map(\.json)).serialized
    }

    static func duplicate(_ entry: MutationSchema.FieldEntry, fileName: String) -> Finding {
        let name = entry.definition.name.value
        return Finding(
            kind: .duplicateField, file: fileName, position: entry.position,
            message: "mutation field \"\(name)\" is defined more than once", field: name
        )
    }
}
