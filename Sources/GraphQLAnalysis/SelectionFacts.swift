import GraphQL

/// Depth, alias count and introspection of a selection set, fragments followed.
struct SelectionFacts: Sendable, Equatable {
    var depth = 0
    var aliases = 0
    var introspection = false

    mutating func merge(_ other: SelectionFacts) {
        depth = max(depth, other.depth)
        aliases = aliases.addingReportingOverflow(other.aliases).overflow ? .max : aliases + other.aliases
        introspection = introspection || other.introspection
    }
}

/// Walks selection sets once, remembering each fragment's facts so a fragment
/// spread many times is walked once (no exponential blow-up), and refusing
/// cycles, unknown fragments and nesting past the limit (its recursion is
/// bounded, so no document can overflow the stack here either).
struct SelectionWalker {
    private enum State {
        case visiting
        case done(SelectionFacts)
    }

    private let fragments: [String: FragmentDefinition]
    private let nestingLimit: Int
    private var states: [String: State] = [:]
    private var level = 0

    init(fragments: [String: FragmentDefinition], nestingLimit: Int) {
        self.fragments = fragments
        self.nestingLimit = nestingLimit
    }

    /// The facts of fragment `name`, walked on first use.
    mutating func facts(ofFragment name: String) throws(AnalysisError) -> SelectionFacts {
        switch states[name] {
        case .done(let facts)?: return facts
        case .visiting?: throw AnalysisError(.fragmentCycle(name))
        case nil: break
        }
        guard let fragment = fragments[name] else { throw AnalysisError(.unknownFragment(name)) }
        states[name] = .visiting
        let facts = try self.facts(of: fragment.selectionSet)
        states[name] = .done(facts)
        return facts
    }

    /// The facts of `set`, whose fields are one level below the caller's.
    mutating func facts(of set: SelectionSet) throws(AnalysisError) -> SelectionFacts {
        level += 1
        defer { level -= 1 }
        guard level <= nestingLimit else { throw AnalysisError(.nestingLimit(limit: nestingLimit)) }
        var facts = SelectionFacts()
        for selection in set.selections {
            // `kind` first: one successful cast per selection instead of failed ones.
            if selection.kind == .field, let field = selection as? Field {
                var fieldFacts = SelectionFacts(depth: 1, aliases: field.alias == nil ? 0 : 1)
                let name = field.name.value
                fieldFacts.introspection = name == "__schema" || name == "__type"
                if let children = field.selectionSet {
                    let inner = try self.facts(of: children)
                    fieldFacts.merge(SelectionFacts(depth: inner.depth + 1, aliases: inner.aliases, introspection: inner.introspection))
                }
                facts.merge(fieldFacts)
            } else if selection.kind == .inlineFragment, let inline = selection as? InlineFragment {
                facts.merge(try self.facts(of: inline.selectionSet))
            } else if let spread = selection as? FragmentSpread {
                // The fragment's selection set counts one level, like a field's.
                facts.merge(try self.facts(ofFragment: spread.name.value))
            }
        }
        return facts
    }
}
