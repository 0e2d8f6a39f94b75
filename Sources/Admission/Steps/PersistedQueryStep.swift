import Contract
import Ports

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
    let allowlist: any AllowlistCheck

    public init(allowlist: any AllowlistCheck) {
        self.allowlist = allowlist
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation else { return .continue }
        // Apollo APQ: a hash sent with its document registers it for later hash-only
        // requests; a document that came from a store is not registered again.
        let registrable = context.apqResolved ? nil : context.graphQLRequest?.query
        let query = AllowlistQuery(
            tenant: context.tenant, exactHash: operation.documentHash, apqHash: context.graphQLRequest?.persistedQueryHash,
            rootFields: operation.rootFields.map(\.name), operationName: operation.name,
            document: context.document, registrable: registrable)
        return allowlist.admit(query).map { .reject($0) } ?? .continue
    }
}
