import Foundation
import GraphQL

/// The strict reader behind `PersistedQueryManifest.parse`: checks shape, types, id format,
/// id = SHA-256(body), unique ids, and that each body parses and defines its operation.
struct ManifestParser {
    let limits: ManifestLimits

    func parse(_ bytes: [UInt8]) throws(ManifestError) -> PersistedQueryManifest {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        let root: ManifestJSONValue
        do {
            root = try JSONDecoder().decode(ManifestJSONValue.self, from: Data(bytes))
        } catch {
            throw .invalidJSON(reason: Self.reason(error))
        }
        guard case .object(let members) = root else { throw .notAnObject }

        switch members["format"] {
        case .string(Self.formatName): break
        case .string(let other): throw .wrongFormat(found: other)
        case nil: throw .wrongFormat(found: nil)
        case let other?: throw .wrongFormat(found: other.summary)
        }
        switch members["version"] {
        case .integer(Int64(PersistedQueryManifest.version)): break
        case nil: throw .unsupportedVersion(found: nil)
        case let other?: throw .unsupportedVersion(found: other.summary)
        }
        guard let operationsValue = members["operations"] else { throw .missingField(index: nil, field: "operations") }
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

    private func operation(_ item: ManifestJSONValue, index: Int) throws(ManifestError) -> ManifestOperation {
        guard case .object(let members) = item else {
            throw .wrongFieldType(index: index, field: "operations[\(index)]", expected: "an object")
        }
        let id = try string(members, "id", index: index)
        let name = try string(members, "name", index: index)
        let typeText = try string(members, "type", index: index)
        let body = try string(members, "body", index: index)

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

    private func string(_ members: [String: ManifestJSONValue], _ field: String, index: Int) throws(ManifestError) -> String {
        switch members[field] {
        case .string(let value)?: return value
        case nil: throw .missingField(index: index, field: field)
        case _?: throw .wrongFieldType(index: index, field: field, expected: "a string")
        }
    }

    /// The decoder's message without Swift type names where it has a plainer one.
    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}
