import ApprovalPolicy

/// The four-eyes step's port: the approval rules (OPA or the built-in policy), the
/// emergency override, and the requests in their store. `FourEyesGate` (FourEyes, on
/// Postgres) implements it and counts its own outcomes; the step decides what they mean
/// for the request.
public protocol ApprovalGate: Sendable {
    /// Whether a `security_admin` has an emergency override in force.
    func emergencyOverrideActive() -> Bool
    /// What the rules say of this mutation; a `PolicyUnavailable` when they cannot answer.
    func decide(_ input: PolicyInput) async throws(PolicyUnavailable) -> PolicyDecision
    /// Whether requests can be kept at all (false without `database.url`).
    var storesRequests: Bool { get }
    /// Stores a request for approval, or finds the one an earlier attempt stored.
    func request(_ new: ApprovalRequest) async throws -> ApprovalRequested
    /// Spends the approval the evidence names on this mutation, once.
    func consume(_ evidence: ApprovalEvidence, spending: ApprovalSpend) async throws -> ApprovalConsumed
    /// Gives back an approval spent on a request that a later step refused.
    func restore(_ id: String, correlationID: String, reason: String) async throws
}

/// The rules could not decide (OPA down or slow, with no local fallback).
public struct PolicyUnavailable: Error, Sendable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// What the gateway stores when a mutation needs four eyes.
public struct ApprovalRequest: Sendable, Equatable {
    public var tenant: String
    public var requester: String
    public var operationName: String?
    public var documentHash: String
    public var variablesHash: String
    public var estimateMicros: Int64
    public var tokens: Int64
    public var reasons: [String]
    public var riskTags: [String]
    public var targetTenants: [String]
    public var correlationID: String

    public init(
        tenant: String, requester: String, operationName: String?, documentHash: String, variablesHash: String,
        estimateMicros: Int64, tokens: Int64, reasons: [String], riskTags: [String], targetTenants: [String], correlationID: String
    ) {
        self.tenant = tenant
        self.requester = requester
        self.operationName = operationName
        self.documentHash = documentHash
        self.variablesHash = variablesHash
        self.estimateMicros = estimateMicros
        self.tokens = tokens
        self.reasons = reasons
        self.riskTags = riskTags
        self.targetTenants = targetTenants
        self.correlationID = correlationID
    }
}

/// The mutation an approval is spent on: it must be the approved tenant, document and
/// variables. `idempotencyKey` makes a client retry of the same spend a retry, not a refusal.
public struct ApprovalSpend: Sendable, Equatable {
    public var tenant: String
    public var documentHash: String
    public var variablesHash: String
    public var correlationID: String
    public var actor: String
    public var idempotencyKey: String?

    public init(tenant: String, documentHash: String, variablesHash: String, correlationID: String, actor: String, idempotencyKey: String?) {
        self.tenant = tenant
        self.documentHash = documentHash
        self.variablesHash = variablesHash
        self.correlationID = correlationID
        self.actor = actor
        self.idempotencyKey = idempotencyKey
    }
}

/// What a refusal tells the client about a stored request.
public struct ApprovalTicket: Sendable, Equatable {
    public var id: String
    public var status: String
    public var approvers: [String]
    public var expiresAt: String

    public init(id: String, status: String, approvers: [String], expiresAt: String) {
        self.id = id
        self.status = status
        self.approvers = approvers
        self.expiresAt = expiresAt
    }
}

public enum ApprovalRequested: Sendable, Equatable {
    /// Waiting for approvers; `created` is false when an earlier attempt already asked.
    case pending(ApprovalTicket, created: Bool)
    /// The same requester's same mutation is already approved and unused: re-send it with evidence.
    case approved(ApprovalTicket)
}

public enum ApprovalConsumed: Sendable, Equatable {
    /// The approval is spent on this request.
    case used(ApprovalTicket)
    /// Why the evidence does not admit this request; the id when one was named or found.
    case refused(String, id: String?)
    /// The approval was spent by an earlier request with this same `Idempotency-Key`,
    /// document and variables: a client retry, which the debit step answers with the
    /// first response (or 409 while that one is in flight). It runs nothing twice.
    case retry(ApprovalTicket)
}
