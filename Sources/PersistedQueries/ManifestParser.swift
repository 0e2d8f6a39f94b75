import GraphQL
import Kit

/// The strict reader behind `PersistedQueryManifest.parse`: checks shape, types, id format,
/// id = SHA-256(body), unique ids, and that each body parses and defines its operation.
struct ManifestParser {
    let limits: ManifestLimits

    func parse(_ bytes: [UInt8]) throws(ManifestError) -> PersistedQueryManifest {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        let root: JSONValue
        do throws(JSONParseError) {
            // A UTF-8 byte order mark (some editors write one) was always accepted; it is not JSON.
            let text = bytes.starts(with: Self.byteOrderMark) ? Array(bytes.dropFirst(Self.byteOrderMark.count)) : bytes
            root = try JSONValue.parse(text)
        } catch {
            throw .invalidJSON(reason: error.explanation)
        }
        guard root.objectMembers != nil else { throw .notAnObject }

        switch root["format"] {
        case .string(Self.formatName): break
        case .string(let other): throw .wrongFormat(found: other)
        case nil: throw .wrongFormat(found: nil)
        case let other?: throw .wrongFormat(found: other.summary)
        }
        switch root["version"] {
        case let version? where version.int64Value == Int64(PersistedQueryManifest.version): break
        case nil: throw .unsupportedVersion(found: nil)
        case let other?: throw .unsupportedVersion(found: other.summary)
        }
        guard let operationsValue = root["operations"] else { throw .missingField(index: nil, field: "operations") }
        guard case .array(let items) = operationsValue else {
            throw .wrongFieldType(index: nil, field: "operations", expected: "an array")
        }
        guard items.count <= limits.maxOperations else {
            throw .tooManyOperations(count: items.count, limit: limits.maxOperations)
        }

        var operations: [ManifestOperation] = []
        operations.reserveCapacity(items.count)
        var firstIndexOfID: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let operation = try self.operation(item, index: index)
            if let first = firstIndexOfID[operation.id] {
                throw .duplicateID(index: index, id: operation.id, firstIndex: first)
            }
            firstIndexOfID[operation.id] = index
            operations.append(operation)
        }
        return PersistedQueryManifest(operations: operations)
    }

    private static let formatName = PersistedQueryManifest.format
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private func operation(_ item: JSONValue, index: Int) throws(ManifestError) -> ManifestOperation {
        guard item.objectMembers != nil else {
            throw .wrongFieldType(index: index, field: "operations[\(index)]", expected: "an object")
        }
        let id = try string(item, "id", index: index)
        let name = try string(item, "name", index: index)
        let typeText = try string(item, "type", index: index)
        let body = try string(item, "body", index: index)

        // Ids are opaque as in Apollo's manifests; a 64-hex id is a document hash and must
        // name this body (checked below), any other id is matched only against ids clients send.
        guard let listedID = DocumentHash.allowlistID(id), listedID == id else { throw .invalidID(index: index, id: id) }
        guard let type = ManifestOperationType(rawValue: typeText) else {
            throw .unknownOperationType(index: index, type: typeText)
        }
        let computed = DocumentHash.exact(body)
        guard computed == id || !DocumentHash.isWellFormed(id) else { throw .idMismatch(index: index, id: id, computed: computed) }

        let document: Document
        do {
            document = try DocumentNormalizer.parse(body)
        } catch {
            throw .invalidBody(index: index, reason: error)
        }
        let defined = document.definitions.contains { definition in
            guard let operation = definition as? OperationDefinition else { return false }
            return (operation.name?.value ?? "") == name && operation.operation.rawValue == type.rawValue
        }
        guard defined else { throw .operationNotInBody(index: index, name: name, type: type) }
        // Normalizing here also refuses type definitions in a body before anything is stored.
        let normalizedHash: String
        do {
            normalizedHash = try DocumentNormalizer.normalizedHash(document)
        } catch {
            throw .invalidBody(index: index, reason: error)
        }
        return ManifestOperation(id: id, name: name, type: type, body: body, normalizedHash: normalizedHash)
    }

    private func string(_ object: JSONValue, _ field: String, index: Int) throws(ManifestError) -> String {
        switch object[field] {
        case .string(let value)?: return value
        case nil: throw .missingField(index: index, field: field)
        case _?: throw .wrongFieldType(index: index, field: field, expected: "a string")
        }
    }
}
