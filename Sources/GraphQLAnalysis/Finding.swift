import Kit

/// One problem the budget linter found, with where it is.
public struct Finding: Sendable, Equatable {
    public enum Severity: String, Sendable, Equatable {
        case error
        case warning
    }

    /// What kind of problem, for tools and tests; `message` says it to people.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case missingBudget = "missing-budget"
        case duplicateField = "duplicate-field"
        case repeatedDirective = "repeated-directive"
        case missingCap = "missing-cap"
        case capNotNumber = "cap-not-number"
        case negativeCap = "negative-cap"
        case capTooPrecise = "cap-too-precise"
        case absurdCap = "absurd-cap"
        case invalidTokens = "invalid-tokens"
        case negativeTokens = "negative-tokens"
        case invalidRiskTags = "invalid-risk-tags"
        case unknownRiskTag = "unknown-risk-tag"
        case invalidPerItem = "invalid-per-item"
        case perItemMissingArgument = "per-item-missing-argument"
        case perItemNotList = "per-item-not-list"
        case unknownArgument = "unknown-argument"
        case invalidCostWeight = "invalid-cost-weight"
        case invalidListSize = "invalid-list-size"
    }

    public var kind: Kind
    public var file: String
    public var position: SourcePosition
    public var severity: Severity
    public var message: String
    /// The mutation field the finding is about.
    public var field: String

    public init(kind: Kind, file: String, position: SourcePosition, severity: Severity = .error, message: String, field: String) {
        self.kind = kind
        self.file = file
        self.position = position
        self.severity = severity
        self.message = message
        self.field = field
    }

    /// `file:line:col: message`, the form editors and CI logs link.
    public var text: String { "\(file):\(position.line):\(position.column): \(severity.rawValue): \(message)" }

    /// `{"file","line","column","severity","message","field"}` for CI annotations.
    public var json: JSONValue {
        .object([
            JSONMember("file", .string(file)),
            JSONMember("line", .number(String(position.line))),
            JSONMember("column", .number(String(position.column))),
            JSONMember("severity", .string(severity.rawValue)),
            JSONMember("message", .string(message)),
            JSONMember("field", .string(field)),
            JSONMember("kind", .string(kind.rawValue)),
        ])
    }
}
