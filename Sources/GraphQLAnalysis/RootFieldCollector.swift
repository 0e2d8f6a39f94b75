import GraphQL

/// Lists an operation's root fields, expanding fragment spreads and inline
/// fragments at the root. Fragments are already known to be acyclic and
/// bounded in nesting; `limit` bounds the work, since a chain of fragments
/// that each spread the next twice would otherwise expand exponentially.
struct RootFieldCollector {
    let fragments: [String: FragmentDefinition]
    let limit: Int
    /// Root fields in order, `__typename` left out.
    private(set) var fields: [AnalyzedDocument.RootFieldTemplate] = []
    /// Root-level field occurrences seen, `__typename` included.
    private(set) var visited = 0

    init(fragments: [String: FragmentDefinition], limit: Int) {
        self.fragments = fragments
        self.limit = limit
    }

    mutating func collect(_ set: SelectionSet) throws(AnalysisError) {
        for selection in set.selections {
            if let field = selection as? Field {
                visited += 1
                guard visited <= limit else { throw AnalysisError(.rootFieldLimit(count: visited, limit: limit)) }
                let name = field.name.value
                if name == "__typename" { continue }
                fields.append(
                    AnalyzedDocument.RootFieldTemplate(
                        name: name, alias: field.alias?.value,
                        arguments: field.arguments.map { (name: $0.name.value, value: $0.value) }
                    )
                )
            } else if let inline = selection as? InlineFragment {
                try collect(inline.selectionSet)
            } else if let spread = selection as? FragmentSpread {
                guard let fragment = fragments[spread.name.value] else {
                    throw AnalysisError(.unknownFragment(spread.name.value))
                }
                try collect(fragment.selectionSet)
            }
        }
    }
}
