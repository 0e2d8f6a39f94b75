import GraphQL
import Kit

/// Reads one mutation field's `@budget`, `@cost` and `@listSize`, collecting
/// a `Finding` for everything wrong. Shared by the linter and the catalog, so
/// what CI accepts is exactly what the gateway loads.
struct DeclarationReader {
    let fileName: String
    let rules: BudgetRules
    private(set) var findings: [Finding] = []

    init(fileName: String, rules: BudgetRules) {
        self.fileName = fileName
        self.rules = rules
    }

    /// The field's declaration; nil when it has none or any part is invalid.
    mutating func read(_ entry: MutationSchema.FieldEntry) -> BudgetDeclaration? {
        let field = entry.definition
        let name = field.name.value
        let before = findings.count
        let budgets = field.directives.filter { $0.name.value == "budget" }
        guard let budget = budgets.first else {
            report(.missingBudget, at: entry.position, "mutation field \"\(name)\" declares no @budget", field: name)
            return nil
        }
        for extra in budgets.dropFirst() {
            report(.repeatedDirective, at: position(extra.loc), "@budget appears more than once on \"\(name)\"", field: name)
        }
        var declaration = BudgetDeclaration(field: name, capMicros: 0, position: entry.position)
        var sawCap = false
        for argument in budget.arguments {
            let at = position(argument.value.loc)
            switch argument.name.value {
            case "capUsd":
                sawCap = true
                if let micros = readCap(argument.value, field: name, at: at) { declaration.capMicros = micros }
            case "tokens":
                declaration.tokens = readTokens(argument.value, field: name, at: at)
            case "riskTags":
                declaration.riskTags = readRiskTags(argument.value, field: name, at: at)
            case "perItem":
                declaration.perItem = readPerItem(argument.value, of: field, at: at)
            default:
                report(.unknownArgument, at: position(argument.loc), "@budget on \"\(name)\" has no argument \"\(argument.name.value)\"", field: name)
            }
        }
        if !sawCap {
            report(.missingCap, at: position(budget.loc), "@budget on \"\(name)\" has no capUsd", field: name)
        }
        if let cost = field.directives.first(where: { $0.name.value == "cost" }) {
            declaration.costWeightMillionths = readCostWeight(cost, field: name)
        }
        if let listSize = field.directives.first(where: { $0.name.value == "listSize" }) {
            declaration.listSize = readListSize(listSize, of: field)
        }
        return findings.count == before ? declaration : nil
    }

    // MARK: - @budget arguments

    private mutating func readCap(_ value: any Value, field: String, at: SourcePosition) -> Int64? {
        let text: String
        if let float = value as? FloatValue {
            text = float.value
        } else if let int = value as? IntValue {
            text = int.value
        } else {
            report(.capNotNumber, at: at, "capUsd of \"\(field)\" must be a number", field: field)
            return nil
        }
        switch DecimalText.millionths(text) {
        case .failure(.tooManyDecimals):
            report(.capTooPrecise, at: at, "capUsd \(text) of \"\(field)\" has more than 6 decimal places (money is held in micro-dollars)", field: field)
            return nil
        case .failure:
            report(.absurdCap, at: at, "capUsd \(text) of \"\(field)\" is out of range", field: field)
            return nil
        case .success(let micros) where micros < 0:
            report(.negativeCap, at: at, "capUsd \(text) of \"\(field)\" is negative", field: field)
            return nil
        case .success(let micros) where micros > rules.maxCapMicros:
            let limit = DecimalText.format(millionths: rules.maxCapMicros)
            report(.absurdCap, at: at, "capUsd \(text) of \"\(field)\" is above the maximum of \(limit) USD", field: field)
            return nil
        case .success(let micros):
            return micros
        }
    }

    private mutating func readTokens(_ value: any Value, field: String, at: SourcePosition) -> Int64? {
        guard let int = value as? IntValue, let tokens = Int64(int.value) else {
            report(.invalidTokens, at: at, "tokens of \"\(field)\" must be an integer", field: field)
            return nil
        }
        guard tokens >= 0 else {
            report(.negativeTokens, at: at, "tokens \(tokens) of \"\(field)\" is negative", field: field)
            return nil
        }
        return tokens
    }

    private mutating func readRiskTags(_ value: any Value, field: String, at: SourcePosition) -> [String] {
        // GraphQL input coercion accepts one value where a list is expected.
        let elements: [any Value] = (value as? ListValue)?.values ?? [value]
        var tags: [String] = []
        for element in elements {
            guard let tag = element as? StringValue else {
                report(.invalidRiskTags, at: position(element.loc), "riskTags of \"\(field)\" must be strings", field: field)
                continue
            }
            guard rules.knownRiskTags.contains(tag.value) else {
                let known = rules.knownRiskTags.sorted().joined(separator: ", ")
                report(.unknownRiskTag, at: position(tag.loc), "unknown risk tag \"\(tag.value)\" on \"\(field)\" (known: \(known))", field: field)
                continue
            }
            if !tags.contains(tag.value) { tags.append(tag.value) }
        }
        return tags
    }

    private mutating func readPerItem(_ value: any Value, of field: FieldDefinition, at: SourcePosition) -> String? {
        let name = field.name.value
        guard let argumentName = (value as? StringValue)?.value else {
            report(.invalidPerItem, at: at, "perItem of \"\(name)\" must be a string naming a list argument", field: name)
            return nil
        }
        guard let argument = field.arguments.first(where: { $0.name.value == argumentName }) else {
            report(.perItemMissingArgument, at: at, "perItem of \"\(name)\" names \"\(argumentName)\", which is not an argument of \"\(name)\"", field: name)
            return nil
        }
        guard Self.isList(argument.type) else {
            report(.perItemNotList, at: at, "perItem of \"\(name)\" names argument \"\(argumentName)\" of type \(Self.describe(argument.type)), not a list", field: name)
            return nil
        }
        return argumentName
    }

    // MARK: - Demand-control directives

    /// `@cost(weight:)`: an Int (Apollo), or a String holding a decimal (IBM's spec).
    private mutating func readCostWeight(_ directive: Directive, field: String) -> Int64? {
        guard let argument = directive.arguments.first(where: { $0.name.value == "weight" }) else {
            report(.invalidCostWeight, at: position(directive.loc), "@cost on \"\(field)\" has no weight", field: field)
            return nil
        }
        let text = (argument.value as? IntValue)?.value ?? (argument.value as? FloatValue)?.value ?? (argument.value as? StringValue)?.value
        guard let text, case .success(let weight) = DecimalText.millionths(text), weight >= 0 else {
            report(.invalidCostWeight, at: position(argument.value.loc), "@cost weight of \"\(field)\" must be a non-negative number with at most 6 decimals", field: field)
            return nil
        }
        return weight
    }

    /// `@listSize(assumedSize:, slicingArguments:)`; `sizedFields` and
    /// `requireOneSlicingArgument` are accepted and ignored.
    private mutating func readListSize(_ directive: Directive, of field: FieldDefinition) -> ListSizeDeclaration? {
        let name = field.name.value
        var declaration = ListSizeDeclaration(assumedSize: nil, slicingArguments: [])
        var valid = true
        for argument in directive.arguments {
            let at = position(argument.value.loc)
            switch argument.name.value {
            case "assumedSize":
                guard let int = argument.value as? IntValue, let size = Int64(int.value), size >= 0 else {
                    report(.invalidListSize, at: at, "@listSize assumedSize of \"\(name)\" must be a non-negative integer", field: name)
                    valid = false
                    continue
                }
                declaration.assumedSize = size
            case "slicingArguments":
                let elements: [any Value] = (argument.value as? ListValue)?.values ?? [argument.value]
                for element in elements {
                    guard let slicing = (element as? StringValue)?.value,
                        field.arguments.contains(where: { $0.name.value == slicing })
                    else {
                        report(.invalidListSize, at: position(element.loc), "@listSize slicingArguments of \"\(name)\" must name arguments of \"\(name)\"", field: name)
                        valid = false
                        continue
                    }
                    declaration.slicingArguments.append(slicing)
                }
            case "sizedFields", "requireOneSlicingArgument":
                continue
            default:
                report(.invalidListSize, at: position(argument.loc), "@listSize on \"\(name)\" has no argument \"\(argument.name.value)\"", field: name)
                valid = false
            }
        }
        return valid ? declaration : nil
    }

    // MARK: - Helpers

    private mutating func report(_ kind: Finding.Kind, at position: SourcePosition, _ message: String, field: String) {
        findings.append(Finding(kind: kind, file: fileName, position: position, message: message, field: field))
    }

    private func position(_ location: Location?) -> SourcePosition {
        MutationSchema.position(of: location)
    }

    /// Whether a type is a list, `!` aside.
    static func isList(_ type: any Type) -> Bool {
        if let nonNull = type as? NonNullType { return isList(nonNull.type) }
        return type is ListType
    }

    /// The type as SDL writes it: `String`, `[ID!]!`.
    static func describe(_ type: any Type) -> String {
        if let nonNull = type as? NonNullType { return describe(nonNull.type) + "!" }
        if let list = type as? ListType { return "[" + describe(list.type) + "]" }
        if let named = type as? NamedType { return named.name.value }
        return "?"
    }
}
