import GraphQL
import Kit

/// Lists an operation's root fields, expanding fragment spreads and inline
/// fragments at the root. Fragments are already known to be acyclic and
/// bounded in nesting; `limit` bounds the work, since a chain of fragments
/// that each spread the next twice would otherwise expand exponentially.
struct RootFieldCollector {
    let fragments: [String: FragmentDefinition]
    let limit: Int
    /// The operation's declared variables and their defaults.
    let defaults: [String: JSONValue?]
    /// Root fields in order, `__typename` left out.
    private(set) var fields: [AnalyzedDocument.RootFieldTemplate] = []
    /// Root-level field occurrences seen, `__typename` included.
    private(set) var visited = 0
    /// Variables used in root-field arguments but not declared.
    private(set) var undeclared: [String] = []

    init(fragments: [String: FragmentDefinition], limit: Int, defaults: [String: JSONValue?]) {
        self.fragments = fragments
        self.limit = limit
        self.defaults = defaults
    }

    mutating func collect(_ set: SelectionSet) throws(AnalysisError) {
        for selection in set.selections {
            if selection.kind == .field, let field = selection as? Field {
                visited += 1
                guard visited <= limit else { throw AnalysisError(.rootFieldLimit(count: visited, limit: limit)) }
                let name = field.name.value
                if name == "__typename" { continue }
                var template = AnalyzedDocument.RootFieldTemplate(
                    field: RootField(name: name, alias: field.alias?.value), variableArguments: []
                )
                for (position, argument) in field.arguments.enumerated() {
                    // Two values for one argument could be read differently here and upstream.
                    if field.arguments[..<position].contains(where: { $0.name.value == argument.name.value }) {
                        throw AnalysisError(.duplicateArgument(field: name, argument: argument.name.value))
                    }
                    let compiled = ArgumentTemplate.compile(argument.value, defaults: defaults, undeclared: &undeclared)
                    if case .constant(let value) = compiled {
                        template.field.arguments.append(argument.name.value, value)
                    } else {
                        template.variableArguments.append((name: argument.name.value, value: compiled))
                    }
                }
                fields.append(template)
            } else if selection.kind == .inlineFragment, let inline = selection as? InlineFragment {
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
