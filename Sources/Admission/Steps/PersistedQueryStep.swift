import Contract
import PersistedQueries
import Synchronization

/// The persisted-query allowlist (SPEC §2): phase `off | log | enforce`, bypass,
/// introspection, per-tenant phases, APQ hash checks — decided by the gate in memory.
///
/// A document counts as listed when its exact SHA-256 or its normalized hash is on the
/// allowlist (the hash-drift rule). The normalized hash needs the canonical printer
/// (~tens of µs for a 4 KB document); it is computed only for documents whose exact hash
/// is not listed and remembered per exact hash, so a client that keeps sending one
/// drifted document pays for it once.
public struct PersistedQueryStep: AdmissionStep {
    public let name = "persisted"
    let gate: PersistedQueryGate
    let normalized: NormalizedHashMemo

    public init(gate: PersistedQueryGate, memoCapacity: Int = 4096) {
        self.gate = gate
        self.normalized = NormalizedHashMemo(capacity: memoCapacity)
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation else { return .continue }
        let request = PersistedQueryRequest(
            tenant: context.tenant,
            exactHash: operation.documentHash,
            apqHash: context.graphQLRequest?.persistedQueryHash,
            introspection: IntrospectionUse(rootFields: operation.rootFields.map(\.name)),
            operationName: operation.name)
        let document = context.document
        let memo = normalized
        let decision = gate.check(request) {
            guard let document else { return nil }
            return memo.hash(exact: operation.documentHash) {
                try? DocumentNormalizer.normalizedHash(document.document)
            }
        }
        switch decision {
        case .allow, .allowLogged:
            // Apollo APQ: a hash sent with its document registers it for later hash-only
            // requests (the gate decides whether the registry may hold it for this tenant).
            if !context.apqResolved, request.apqHash != nil, let query = context.graphQLRequest?.query {
                gate.registerAPQ(hash: operation.documentHash, document: query, tenant: context.tenant)
            }
            return .continue
        case .reject(let code, let message, _):
            let mapped = Rejection.Code(rawValue: code.rawValue) ?? .badRequest
            return .reject(Rejection(mapped, message, status: code.status))
        }
    }
}

/// Exact hash → normalized hash, bounded. When full it starts over rather than tracking
/// recency: entries are cheap to recompute, and the hot path (listed documents) never
/// reaches it.
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
