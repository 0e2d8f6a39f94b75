/// Why `IntelGraphDemoServer` could not start; each case names the file,
/// field or key at fault.
public enum DemoSetupError: Error, Equatable, CustomStringConvertible {
    case schemaUnreadable(path: String, reason: String)
    case schemaInvalid(String)
    case missingRootType(String)
    case missingResolver(type: String, field: String)
    case invalidBudget(field: String, reason: String)
    case invalidConfiguration(key: String, reason: String)

    public var description: String {
        switch self {
        case .schemaUnreadable(let path, let reason): "cannot read schema \(path): \(reason)"
        case .schemaInvalid(let reason): "schema is not valid SDL: \(reason)"
        case .missingRootType(let name): "schema has no \(name) type"
        case .missingResolver(let type, let field):
            "\(type).\(field) has no resolver in the demo server"
        case .invalidBudget(let field, let reason): "@budget on Mutation.\(field): \(reason)"
        case .invalidConfiguration(let key, let reason): "configuration \(key): \(reason)"
        }
    }
}
