/// Why a resolver refused a field; the description becomes the GraphQL
/// error's `message`, and `code` its `extensions.code`.
public enum DemoError: Error, Equatable, CustomStringConvertible {
    case entityNotFound(id: String)
    case relationshipNotFound(id: String)
    case idTaken(id: String)
    case invalidProperties(String)
    case invalidArgument(name: String, reason: String)
    case mergeWithItself(id: String)
    case entityHasRelationships(id: String, count: Int)
    case alreadyInTenant(id: String, tenant: String)
    case unsupportedExportFormat(String)
    case invalidDecimal(String)

    public var description: String {
        switch self {
        case .entityNotFound(let id): "entity \(id) not found"
        case .relationshipNotFound(let id): "relationship \(id) not found"
        case .idTaken(let id): "id \(id) is already in use"
        case .invalidProperties(let reason): "properties must be a JSON object: \(reason)"
        case .invalidArgument(let name, let reason): "argument \(name): \(reason)"
        case .mergeWithItself(let id): "cannot merge entity \(id) into itself"
        case .entityHasRelationships(let id, let count):
            "entity \(id) has \(count) relationship(s); delete them before moving it"
        case .alreadyInTenant(let id, let tenant): "entity \(id) already belongs to tenant \(tenant)"
        case .unsupportedExportFormat(let format): "unsupported export format \(format); use json or csv"
        case .invalidDecimal(let text): "\(text) is not a decimal with at most 6 fractional digits"
        }
    }

    /// A stable machine-readable code for clients and tests.
    public var code: String {
        switch self {
        case .entityNotFound, .relationshipNotFound: "NOT_FOUND"
        case .idTaken: "CONFLICT"
        case .invalidProperties, .invalidArgument, .mergeWithItself, .unsupportedExportFormat,
            .invalidDecimal:
            "BAD_USER_INPUT"
        case .entityHasRelationships, .alreadyInTenant: "FAILED_PRECONDITION"
        }
    }
}
