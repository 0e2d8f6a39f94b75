/// A schema that cannot serve as the budget catalog: not parseable, or
/// holding invalid `@budget` declarations (each a `Finding`).
public struct SchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax(line: Int, column: Int, description: String)
        case tooDeep(limit: Int)
        case invalidDeclarations([Finding])
    }

    public var file: String
    public var kind: Kind

    public init(file: String, kind: Kind) {
        self.file = file
        self.kind = kind
    }

    /// Says which file and why, one line per problem.
    public var description: String {
        switch kind {
        case .syntax(let line, let column, let description):
            "\(file):\(line):\(column): invalid SDL: \(description)"
        case .tooDeep(let limit):
            "\(file): invalid SDL: brackets nest more than \(limit) deep"
        case .invalidDeclarations(let findings):
            findings.map(\.text).joined(separator: "\n")
        }
    }
}
