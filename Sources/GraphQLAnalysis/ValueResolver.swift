import GraphQL

/// Turns an argument's GraphQL value into JSON, substituting variables.
enum ValueResolver {
    /// The value, or nil when it is a variable that was neither sent nor
    /// given a default (the argument is then absent, as GraphQL treats it).
    static func resolve(_ value: any Value, variables: JSONValue?, defaults: [String: (any Value)?]) -> JSONValue? {
        switch value {
        case let variable as Variable:
            let name = variable.name.value
            if let sent = variables?[name] { return sent }
            if let declared = defaults[name], let fallback = declared {
                return resolve(fallback, variables: nil, defaults: [:])
            }
            return nil
        case let int as IntValue:
            return .number(int.value)
        case let float as FloatValue:
            return .number(float.value)
        case let string as StringValue:
            return .string(string.value)
        case let boolean as BooleanValue:
            return .bool(boolean.value)
        case is NullValue:
            return .null
        case let enumValue as EnumValue:
            return .string(enumValue.value)
        case let list as ListValue:
            // A missing variable inside a list is a null element.
            return .array(list.values.map { resolve($0, variables: variables, defaults: defaults) ?? .null })
        case let object as ObjectValue:
            var members: [JSONMember] = []
            for field in object.fields {
                if let resolved = resolve(field.value, variables: variables, defaults: defaults) {
                    members.append(JSONMember(field.name.value, resolved))
                }
            }
            return .object(members)
        default:
            return nil
        }
    }

    /// The names of the variables `value` uses.
    static func variableNames(in value: any Value, into names: inout [String]) {
        switch value {
        case let variable as Variable:
            names.append(variable.name.value)
        case let list as ListValue:
            for element in list.values { variableNames(in: element, into: &names) }
        case let object as ObjectValue:
            for field in object.fields { variableNames(in: field.value, into: &names) }
        default:
            break
        }
    }
}
