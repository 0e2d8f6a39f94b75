import Contract
import Ports
import Synchronization

/// The persisted-query step's port in memory: the gate's decision as a refusal, the
/// normalized hash computed once per document, and an APQ hash sent with its document
/// registered for later hash-only requests (where the policy lets the registry hold it).
extension PersistedQueryGate: AllowlistCheck {
    public func admit(_ query: AllowlistQuery) -> Rejection? {
        let request = PersistedQueryRequest(
            tenant: query.tenant, exactHash: query.exactHash, apqHash: query.apqHash,
            introspection: IntrospectionUse(rootFields: query.rootFields), operationName: query.operationName)
        let document = query.document
        let decision = check(request) {
            guard let document else { return nil }
            return normalizedHashes.hash(exact: query.exactHash) {
                try? DocumentNormalizer.normalizedHash(document.document)
            }
        }
        switch decision {
        case .allow, .allowLogged:
            if let text = query.registrable, query.apqHash != nil {
                registerAPQ(hash: query.exactHash, document: text, tenant: query.tenant)
            }
            return nil
        case .reject(let code, let message, _):
            return Rejection(Rejection.Code(rawValue: code.rawValue) ?? .badRequest, message, status: code.status)
        }
    }
}

/// Normalized hashes by exact hash, bounded: when full it starts over (a cheap bound; the
/// common documents come straight back).
final class NormalizedHashMemo: Sendable {
    private let capacity: Int
    private let table = Mutex<[String: String?]>([:])

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    func hash(exact: String, compute: () -> String?) -> String? {
        if let known = table.withLock({ $0[exact] }) { return known }
        let value = compute()
        table.withLock { table in
            if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            table[exact] = .some(value)
        }
        return value
    }
}
