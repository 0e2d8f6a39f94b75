import ApprovalPolicy
import Ports

/// The four-eyes step's port on Postgres: the policy decider, the emergency override and
/// the approval store, counting their own outcomes into the four-eyes metrics. Without
/// `database.url` there is no store: `storesRequests` is false and the step refuses.
public struct FourEyesGate: ApprovalGate {
    let decider: PolicyDecider
    let approvals: ApprovalStore?
    let emergency: EmergencyOverrideState
    let metrics: FourEyesMetrics

    public init(decider: PolicyDecider, approvals: ApprovalStore?, emergency: EmergencyOverrideState, metrics: FourEyesMetrics) {
        self.decider = decider
        self.approvals = approvals
        self.emergency = emergency
        self.metrics = metrics
    }

    public func emergencyOverrideActive() -> Bool {
        emergency.isActive()
    }

    public func decide(_ input: PolicyInput) async throws(PolicyUnavailable) -> PolicyDecision {
        let decision: PolicyDecision
        do {
            decision = try await decider.decide(input)
        } catch {
            throw PolicyUnavailable(error.message)
        }
        if decision.requiresFourEyes { metrics.required(reasons: decision.reasons) }
        return decision
    }

    public var storesRequests: Bool { approvals != nil }

    public func request(_ new: ApprovalRequest) async throws -> ApprovalRequested {
        let store = try self.store()
        do {
            switch try await store.request(new) {
            case .pending(let record, let created): return .pending(record.ticket, created: created)
            case .approved(let record): return .approved(record.ticket)
            }
        } catch {
            metrics.error(kind: "store")
            throw error
        }
    }

    public func consume(_ evidence: ApprovalEvidence, spending spend: ApprovalSpend) async throws -> ApprovalConsumed {
        let store = try self.store()
        do {
            let consumed = try await store.consume(
                evidence, tenant: spend.tenant, documentHash: spend.documentHash, variablesHash: spend.variablesHash,
                correlationID: spend.correlationID, actor: spend.actor, idempotencyKey: spend.idempotencyKey)
            switch consumed {
            case .used(let record):
                metrics.used()
                return .used(record.ticket)
            case .retry(let record): return .retry(record.ticket)
            case .refused(let why, let id): return .refused(why, id: id)
            }
        } catch {
            metrics.error(kind: "store")
            throw error
        }
    }

    public func restore(_ id: String, correlationID: String, reason: String) async throws {
        try await self.store().restore(id, correlationID: correlationID, reason: reason)
    }

    private func store() throws -> ApprovalStore {
        guard let approvals else { throw NoApprovalStore() }
        return approvals
    }
}

/// Asked to keep a request without `database.url`; the step checks `storesRequests` first.
struct NoApprovalStore: Error, CustomStringConvertible {
    var description: String { "approvals need Postgres: set database.url (env DATABASE_URL)" }
}

extension ApprovalRequestRecord {
    /// What a refusal tells the client of this request.
    var ticket: ApprovalTicket {
        ApprovalTicket(id: id, status: status, approvers: approvers, expiresAt: expiresAt)
    }
}
