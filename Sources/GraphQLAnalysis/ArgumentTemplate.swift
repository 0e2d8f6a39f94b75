import GraphQL
import Kit

/// An argument value compiled once, when the document is analysed: constant
/// parts are already JSON, so resolving against a request's variables is a
/// walk over a small enum, with no casts over the parser's protocol types.
indirect enum ArgumentTemplate: Sendable {
    case constant(JSONValue)
    /// A variable, with its declared default (nil: none).
    case variable(String, defaultValue: JSONValue?)
    case list([ArgumentTemplate])
    case object([(key: String, value: ArgumentTemplate)])

    /// Compiles `value`; `defaults` maps each declared variable to its default.
    /// Variables not declared are recorded in `undeclared`.
    static func compile(_ value: any Value, defaults: [String: JSONValue?], undeclared: inout [String]) -> ArgumentTemplate {
        // Switching on `kind` first means one successful cast per node rather than a chain of failed ones.
        switch value.kind {
        case .variable:
            guard let variable = value as? Variable else { return .constant(.null) }
            let name = variable.name.value
            guard let declared = defaults[name] else {
                undeclared.append(name)
                return .variable(name, defaultValue: nil)
            }
            return .variable(name, defaultValue: declared)
        case .listValue:
            guard let list = value as? ListValue else { return .constant(.null) }
            let elements = list.values.map { compile($0, defaults: defaults, undeclared: &undeclared) }
            if let constants = constantValues(elements) { return .constant(.array(constants)) }
            return .list(elements)
        case .objectValue:
            guard let object = value as? ObjectValue else { return .constant(.null) }
            let members = object.fields.map { (key: $0.name.value, value: compile($0.value, defaults: defaults, undeclared: &undeclared)) }
            if let constants = constantValues(members.map(\.value)) {
                return .constant(.object(zip(members, constants).map { JSONMember($0.0.key, $0.1) }))
            }
            return .object(members)
        default:
            return .constant(constantJSON(value))
        }
    }

    /// The JSON of a value holding no variables (a default value, or a literal).
    static func constantJSON(_ value: any Value) -> JSONValue {
        switch value.kind {
        case .intValue: (value as? IntValue).map { .number($0.value) } ?? .null
        case .floatValue: (value as? FloatValue).map { .number($0.value) } ?? .null
        case .stringValue: (value as? StringValue).map { .string($0.value) } ?? .null
        case .booleanValue: (value as? BooleanValue).map { .bool($0.value) } ?? .null
        case .enumValue: (value as? EnumValue).map { .string($0.value) } ?? .null
        case .listValue: (value as? ListValue).map { .array($0.values.map(constantJSON)) } ?? .null
        case .objectValue:
            (value as? ObjectValue).map { .object($0.fields.map { JSONMember($0.name.value, constantJSON($0.value)) }) } ?? .null
        // Null, and a variable where the grammar allows none (defaults are constant).
        default: .null
        }
    }

    private static func constantValues(_ templates: [ArgumentTemplate]) -> [JSONValue]? {
        var values: [JSONValue] = []
        values.reserveCapacity(templates.count)
        for template in templates {
            guard case .constant(let value) = template else { return nil }
            values.append(value)
        }
        return values
    }

    /// The value against `variables`; nil when it is a variable neither sent
    /// nor defaulted (the argument is then absent, as GraphQL treats it).
    func resolve(_ variables: JSONValue?) -> JSONValue? {
        switch self {
        case .constant(let value):
            return value
        case .variable(let name, let defaultValue):
            return variables?[name] ?? defaultValue
        case .list(let elements):
            // A missing variable inside a list is a null element.
            return .array(elements.map { $0.resolve(variables) ?? .null })
        case .object(let members):
            var resolved: [JSONMember] = []
            for member in members {
                if let value = member.value.resolve(variables) { resolved.append(JSONMember(member.key, value)) }
            }
            return .object(resolved)
        }
    }
}
