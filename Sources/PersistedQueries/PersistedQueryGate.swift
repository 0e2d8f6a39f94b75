import Foundation
import Logging
import Synchronization

/// The allowlist step's live state: the current policy (switchable at run time), the
/// allowlist to look documents up in, counters and the recent-violations buffer.
///
/// `check` is synchronous and touches memory only: one lock to read the policy, set lookups
/// in the allowlist's snapshot, a few relaxed atomic adds.
public final class PersistedQueryGate: Sendable {
    private let allowlist: any AllowlistLookup
    private let policyState: Mutex<PersistedQueryPolicy>
    private let violationLog: Mutex<ViolationLog>
    private let cells = PersistedQueryCounterCells()
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Apollo APQ registrations (nil without Redis or with `pq.apq.enabled: false`).
    public let apq: APQRegistry?
    /// Normalized hashes of documents seen, by exact hash (normalizing is the costly part).
    let normalizedHashes = NormalizedHashMemo(capacity: 4096)

    /// `policy` is the start state (from `PQ_PHASE`, `PQ_BYPASS`, `PQ_INTROSPECTION`);
    /// `violationCapacity` bounds the recent-violations buffer.
    public init(
        policy: PersistedQueryPolicy,
        allowlist: any AllowlistLookup,
        violationCapacity: Int = 100,
        logger: Logger = Logger(label: "safemut.pq"),
        apq: APQRegistry? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.apq = apq
        self.allowlist = allowlist
        self.policyState = Mutex(policy)
        self.violationLog = Mutex(ViolationLog(capacity: violationCapacity))
        self.logger = logger
        self.now = now
    }

    /// The policy in force now.
    public var policy: PersistedQueryPolicy { policyState.withLock { $0 } }

    /// Changes the policy atomically (e.g. `PUT /admin/persisted-queries/phase`) and returns
    /// the previous and the new one, for the audit record.
    @discardableResult
    public func updatePolicy(_ change: (inout PersistedQueryPolicy) -> Void) -> (old: PersistedQueryPolicy, new: PersistedQueryPolicy) {
        policyState.withLock { policy in
            let old = policy
            change(&policy)
            return (old, policy)
        }
    }

    /// The document the allowlist holds for an APQ hash, so a hash-only request can be served.
    public func body(forAPQHash hash: String) -> String? {
        allowlist.body(forHash: hash)
    }

    /// The document registered for an APQ hash, asked only where `tenant`'s documents would
    /// be admitted anyway (off, log, bypass); nil in `enforce`, without a registry, or unknown.
    public func registeredBody(forAPQHash hash: String, tenant: String?) async -> String? {
        guard let apq, policy.servesRegisteredAPQ(tenant: tenant) else { return nil }
        return await apq.lookup(hash.lowercased())
    }

    /// Registers a document a client sent with its APQ hash (after the check admitted it),
    /// where the registry may serve it later; `hash` is the one this gateway computed.
    public func registerAPQ(hash: String, document: String, tenant: String?) {
        guard let apq, policy.servesRegisteredAPQ(tenant: tenant) else { return }
        apq.registerSoon(hash: hash, document: document)
    }

    /// Decides one request, counts it, and records and logs a violation.
    /// `normalizedHash` is called only when the exact hash is not on the allowlist and the
    /// phase needs an answer, so the printer runs only for drifted or unknown documents.
    public func check(_ request: PersistedQueryRequest, normalizedHash: () -> String?) -> PersistedQueryDecision {
        let policy = policyState.withLock { $0 }
        let decision = policy.decide(request) {
            guard let exact = request.exactHash else { return false }
            if allowlist.contains(exact: exact) { return true }
            return normalizedHash().map { allowlist.contains(normalized: $0) } ?? false
        }
        cells.count(decision)
        switch decision {
        case .allowLogged(let violation):
            record(violation, rejected: false)
        case .reject(_, _, let violation?):
            record(violation, rejected: true)
        case .allow, .reject:
            break
        }
        return decision
    }

    /// Counters since start.
    public var counters: PersistedQueryCounters { cells.snapshot() }

    /// The most recent violations, newest first.
    public func recentViolations() -> [RecordedViolation] {
        violationLog.withLock { $0.newestFirst }
    }

    /// Number of documents on the allowlist now.
    public var allowlistCount: Int { allowlist.count }

    private func record(_ violation: PersistedQueryViolation, rejected: Bool) {
        let time = now()
        violationLog.withLock { $0.record(violation, rejected: rejected, at: time) }
        logger.warning(
            "persisted query violation",
            metadata: [
                "pq.phase": "\(violation.phase.rawValue)",
                "pq.hash": "\(violation.hash)",
                "pq.rejected": "\(rejected)",
                "tenant": "\(violation.tenant.map { String($0.prefix(ViolationLog.maxFieldLength)) } ?? "-")",
                "graphql.operation": "\(violation.operationName.map { String($0.prefix(ViolationLog.maxFieldLength)) } ?? "-")",
            ])
    }
}
