import GraphQL

extension JSONValue {
    /// The executor's view of a variable value.
    var map: Map {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .number(Number(value))
        case .double(let value): return .number(Number(value))
        case .string(let value): return .string(value)
        case .array(let elements): return .array(elements.map(\.map))
        case .object(let members):
            // Start from an empty dictionary Map and fill it, so we need not
            // name the OrderedCollections type (not a dependency of ours).
            var dictionary = Map.dictionary([:]).dictionary ?? [:]
            for member in members {
                dictionary[member.key] = member.value.map
            }
            return .dictionary(dictionary)
        }
    }

    /// A result value from the executor, as JSON.
    init(_ map: Map) {
        switch map {
        case .undefined, .null:
            self = .null
        case .bool(let value):
            self = .bool(value)
        case .number(let number):
            switch number.storageType {
            case .bool: self = .bool(number.boolValue)
            case .int: self = .int(number.int64Value)
            case .double, .unknown: self = .double(number.doubleValue)
            }
        case .string(let value):
            self = .string(value)
        case .array(let elements):
            self = .array(elements.map(JSONValue.init))
        case .dictionary(let dictionary):
            var members: [JSONMember] = []
            members.reserveCapacity(dictionary.count)
            for (key, value) in dictionary where !value.isUndefined {
                members.append(JSONMember(key, JSONValue(value)))
            }
            self = .object(members)
        }
    }

    /// A GraphQL error in the response shape of the GraphQL spec.
    init(_ error: GraphQLError) {
        var members = [JSONMember("message", .string(error.message))]
        if !error.locations.isEmpty {
            members.append(JSONMember("locations", .array(error.locations.map {
                .object([JSONMember("line", .int(Int64($0.line))), JSONMember("column", .int(Int64($0.column)))])
            })))
        }
        if !error.path.elements.isEmpty {
            members.append(JSONMember("path", .array(error.path.elements.map {
                switch $0 {
                case .index(let index): .int(Int64(index))
                case .key(let key): .string(key)
                }
            })))
        }
        var extensions = error.extensions
            .sorted(by: { $0.key < $1.key })
            .map { JSONMember($0.key, JSONValue($0.value)) }
        if let demoError = error.originalError as? DemoError, error.extensions["code"] == nil {
            extensions.append(JSONMember("code", .string(demoError.code)))
        }
        if !extensions.isEmpty {
            members.append(JSONMember("extensions", .object(extensions)))
        }
        self = .object(members)
    }
}
