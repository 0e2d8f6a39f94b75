/// Why a manifest was refused. Problems inside an operation carry its 0-based index.
public enum ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes are not JSON (`reason` says what the parser expected, and at which byte).
    case invalidJSON(reason: String)
    /// The top level is JSON but not an object.
    case notAnObject
    /// The manifest is larger than the configured limit.
    case tooLarge(bytes: Int, limit: Int)
    /// `format` is missing (`nil`) or is not `apollo-persisted-query-manifest`.
    case wrongFormat(found: String?)
    /// `version` is missing (`nil`) or is not `1`.
    case unsupportedVersion(found: String?)
    /// A required member is absent; `index` is nil for a top-level member.
    case missingField(index: Int?, field: String)
    /// A member has the wrong JSON type (`expected` says which).
    case wrongFieldType(index: Int?, field: String, expected: String)
    /// More operations than the configured limit.
    case tooManyOperations(count: Int, limit: Int)
    /// `id` is not 64 lowercase hexadecimal characters.
    case invalidID(index: Int, id: String)
    /// `id` is well formed but is not the SHA-256 of `body`: the body was edited after hashing,
    /// or the id belongs to another document.
    case idMismatch(index: Int, id: String, computed: String)
    /// Two operations share an `id`.
    case duplicateID(index: Int, id: String, firstIndex: Int)
    /// `type` is not `query`, `mutation` or `subscription`.
    case unknownOperationType(index: Int, type: String)
    /// `body` is not a GraphQL document this gateway accepts (syntax error, too deep, type definitions).
    case invalidBody(index: Int, reason: NormalizationError)
    /// The body defines no operation with the entry's `name` and `type`.
    case operationNotInBody(index: Int, name: String, type: ManifestOperationType)

    /// The operation the problem is in, when it is in one.
    public var operationIndex: Int? {
        switch self {
        case .invalidJSON, .notAnObject, .tooLarge, .wrongFormat, .unsupportedVersion, .tooManyOperations:
            return nil
        case .missingField(let index, _), .wrongFieldType(let index, _, _):
            return index
        case .invalidID(let index, _), .idMismatch(let index, _, _), .duplicateID(let index, _, _),
             .unknownOperationType(let index, _), .invalidBody(let index, _), .operationNotInBody(let index, _, _):
            return index
        }
    }

    public var description: String {
        switch self {
        case .invalidJSON(let reason):
            return "manifest is not valid JSON: \(reason)"
        case .notAnObject:
            return "manifest must be a JSON object"
        case .tooLarge(let bytes, let limit):
            return "manifest is \(bytes) bytes, over the limit of \(limit)"
        case .wrongFormat(let found):
            return "format must be \"\(PersistedQueryManifest.format)\", found \(found.map { "\"\($0)\"" } ?? "nothing")"
        case .unsupportedVersion(let found):
            return "version must be \(PersistedQueryManifest.version), found \(found ?? "nothing")"
        case .missingField(let index, let field):
            return "\(Self.place(index))missing \"\(field)\""
        case .wrongFieldType(let index, let field, let expected):
            return "\(Self.place(index))\"\(field)\" must be \(expected)"
        case .tooManyOperations(let count, let limit):
            return "manifest has \(count) operations, over the limit of \(limit)"
        case .invalidID(let index, let id):
            return "\(Self.place(index))id \"\(id.prefix(80))\" is not an allowlist id (1–128 of A-Z a-z 0-9 _ -; a 64-hex id must be lowercase)"
        case .idMismatch(let index, let id, let computed):
            return "\(Self.place(index))id \(id) is not the SHA-256 of the body (\(computed))"
        case .duplicateID(let index, let id, let firstIndex):
            return "\(Self.place(index))id \(id) already used by operation \(firstIndex)"
        case .unknownOperationType(let index, let type):
            return "\(Self.place(index))type \"\(type.prefix(40))\" is not query, mutation or subscription"
        case .invalidBody(let index, let reason):
            return "\(Self.place(index))body: \(reason)"
        case .operationNotInBody(let index, let name, let type):
            let label = name.isEmpty ? "an anonymous \(type.rawValue)" : "\(type.rawValue) \(name)"
            return "\(Self.place(index))body does not define \(label)"
        }
    }

    private static func place(_ index: Int?) -> String {
        index.map { "operations[\($0)]: " } ?? ""
    }
}
