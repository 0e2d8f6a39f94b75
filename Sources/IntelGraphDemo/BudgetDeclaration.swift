import GraphQL

/// A mutation field's `@budget(capUsd:, tokens:, riskTags:, perItem:)`, read
/// from the SDL so the demo's actual costs follow the declared caps.
public struct BudgetDeclaration: Sendable, Equatable {
    /// The cap of one call, or of one element of the `perItem` list.
    public var cap: MicroUSD
    public var tokens: Int64?
    public var riskTags: [String]
    /// The list argument whose length multiplies the cost.
    public var perItem: String?

    public init(cap: MicroUSD, tokens: Int64? = nil, riskTags: [String] = [], perItem: String? = nil) {
        self.cap = cap
        self.tokens = tokens
        self.riskTags = riskTags
        self.perItem = perItem
    }

    /// The declaration on `field`, or nil when it carries no `@budget`.
    /// Reads literal text (never a Float), so `0.02` is exactly 20,000 micros.
    public init?(field: FieldDefinition) throws(DemoSetupError) {
        let fieldName = field.name.value
        guard let directive = field.directives.first(where: { $0.name.value == "budget" }) else {
            return nil
        }
        var cap: MicroUSD?
        var tokens: Int64?
        var riskTags: [String] = []
        var perItem: String?
        for argument in directive.arguments {
            let value = argument.value
            switch argument.name.value {
            case "capUsd":
                let text: String
                if let float = value as? FloatValue {
                    text = float.value
                } else if let int = value as? IntValue {
                    text = int.value
                } else {
                    throw .invalidBudget(field: fieldName, reason: "capUsd must be a number")
                }
                guard let micros = MicroUSD.parseMicros(text), micros >= 0 else {
                    throw .invalidBudget(
                        field: fieldName,
                        reason: "capUsd \(text) must be a non-negative decimal with at most 6 fractional digits"
                    )
                }
                cap = MicroUSD(micros: micros)
            case "tokens":
                guard let int = value as? IntValue, let parsed = Int64(int.value), parsed >= 0 else {
                    throw .invalidBudget(field: fieldName, reason: "tokens must be a non-negative Int")
                }
                tokens = parsed
            case "riskTags":
                if let list = value as? ListValue {
                    for element in list.values {
                        guard let tag = element as? StringValue else {
                            throw .invalidBudget(field: fieldName, reason: "riskTags must be strings")
                        }
                        riskTags.append(tag.value)
                    }
                } else if let single = value as? StringValue {
                    // GraphQL input coercion accepts one value where a list is expected.
                    riskTags.append(single.value)
                } else {
                    throw .invalidBudget(field: fieldName, reason: "riskTags must be a list of strings")
                }
            case "perItem":
                guard let name = value as? StringValue else {
                    throw .invalidBudget(field: fieldName, reason: "perItem must be a string")
                }
                guard field.arguments.contains(where: { $0.name.value == name.value }) else {
                    throw .invalidBudget(field: fieldName, reason: "perItem names no argument \(name.value)")
                }
                perItem = name.value
            default:
                throw .invalidBudget(field: fieldName, reason: "unknown argument \(argument.name.value)")
            }
        }
        guard let cap else {
            throw .invalidBudget(field: fieldName, reason: "capUsd is required")
        }
        self.init(cap: cap, tokens: tokens, riskTags: riskTags, perItem: perItem)
    }
}
