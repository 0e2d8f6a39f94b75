import Kit

/// One problem the schema linter found (`@budget`, `@downshift`, `@cacheable`), with where it is.
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
        // @downshift and @cacheable (SPEC §12).
        case missingPriority = "missing-priority"
        case invalidPriority = "invalid-priority"
        case unknownPriority = "unknown-priority"
        case invalidDownshiftTags = "invalid-downshift-tags"
        /// A warning: the tag is kept, and inert until a tier rule knows it.
        case unknownDownshiftTag = "unknown-downshift-tag"
        case invalidHopsArg = "invalid-hops-arg"
        case hopsArgMissingArgument = "hops-arg-missing-argument"
        case hopsArgNotInt = "hops-arg-not-int"
        case downshiftNotRootField = "downshift-not-root-field"
        case cacheableNotQuery = "cacheable-not-query"
        case invalidCacheTTL = "invalid-cache-ttl"
        case absurdCacheTTL = "absurd-cache-ttl"
    }

    public var kind: Kind
    public var file: String
    public var position: SourcePosition
    public var severity: Severity
    public var message: String
    /// The field the finding is about (a root field, or `Type.field` elsewhere).
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
