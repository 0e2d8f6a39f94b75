/// Why a document could not be normalized (and so cannot be on the allowlist).
public enum NormalizationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// GraphQL syntax error at a 1-based line and column.
    case syntax(message: String, line: Int, column: Int)
    /// Brackets nest deeper than the limit; refused before parsing so a hostile body cannot
    /// exhaust the parser's stack.
    case tooDeep(limit: Int)
    /// The document holds something other than operations and fragments (e.g. a type definition).
    case notExecutable(kind: String)
    /// The document defines no operation.
    case noOperation

    public var description: String {
        switch self {
        case .syntax(let message, let line, let column):
            return "syntax error at \(line):\(column): \(message)"
        case .tooDeep(let limit):
            return "nested deeper than \(limit) levels"
        case .notExecutable(let kind):
            return "holds a \(kind), only operations and fragments are allowed"
        case .noOperation:
            return "defines no operation"
        }
    }
}
