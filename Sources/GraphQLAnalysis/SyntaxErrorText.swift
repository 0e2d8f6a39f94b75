import GraphQL

/// Reads the parser's syntax errors, whose message is
/// `Syntax Error <source> (<line>:<col>) <description>` followed by an
/// excerpt of the source, which a client does not need echoed back.
enum SyntaxErrorText {
    static func kind(of error: GraphQLError) -> AnalysisError.Kind {
        let location = error.locations.first
        return .syntax(line: location?.line ?? 1, column: location?.column ?? 1, description: description(error.message))
    }

    /// The description alone: the prefix up to the position and the excerpt cut off.
    static func description(_ message: String) -> String {
        var text = Substring(message)
        if let excerpt = text.range(of: "\n\n") { text = text[..<excerpt.lowerBound] }
        if text.hasPrefix("Syntax Error"), let close = text.range(of: ") ") { text = text[close.upperBound...] }
        return String(text)
    }
}
