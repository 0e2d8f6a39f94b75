import Contract
import Kit
import Ports

/// The debit step (SPEC §2): a mutation's estimate is reserved in the Postgres ledger
/// before it is forwarded, for the UTC day and month at once; what it really cost is
/// settled after the upstream answers. Queries pass untouched.
///
/// `Idempotency-Key`: a retry with the same key and document is debited once and gets the
/// first response back; the same key with another document is `BAD_REQUEST`.
public struct LedgerStep: AdmissionStep {
    public let name = "debit"
    let ledger: any ReservationStore

    public init(ledger: any ReservationStore) {
        self.ledger = ledger
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation, operation.kind == .mutation, let estimate = context.estimate else {
            return .continue
        }
        guard let identity = context.identity else {
            return .reject(Rejection(.unauthenticated, "a mutation needs an identity before it is debited"))
        }
        let key: String?
        switch context.idempotencyKey {
        case .success(let value): key = value
        case .failure(let rejection): return .reject(rejection)
        }
        let request = ReservationRequest(
            tenant: identity.tenant, estimateMicros: estimate.totalMicros, estimateTokens: estimate.totalTokens,
            operationName: operation.name, documentHash: operation.documentHash, correlationID: context.requestID,
            idempotencyKey: key, user: identity.subject, arm: context.arm?.rawValue)
        switch await ledger.reserve(request) {
        case .answered(.reserved(let reservation)):
            context.onCompletion(LedgerSettlement(ledger: ledger, reservation: reservation))
            return .continue
        case .answered(.exceeded(let window, let limit, let spent, let reserved)):
            ledger.denied(tenant: identity.tenant, reason: window.rawValue, requestID: context.requestID)
            return .reject(Rejection(
                .budgetExceeded,
                "\(window.rawValue) budget of tenant \(identity.tenant) exceeded: \(MicroDollars.text(spent)) spent + "
                    + "\(MicroDollars.text(reserved)) reserved + \(MicroDollars.text(estimate.totalMicros)) estimated > "
                    + "\(MicroDollars.text(limit)) limit",
                details: [
                    ("window", .string(window.rawValue)),
                    ("limitUsd", .string(MicroDollars.text(limit))),
                    ("spentUsd", .string(MicroDollars.text(spent))),
                    ("reservedUsd", .string(MicroDollars.text(reserved))),
                    ("estimateUsd", .string(MicroDollars.text(estimate.totalMicros))),
                ]))
        case .answered(.unknownTenant):
            // Any X-Tenant a client sends lands here: one label value for all of them keeps
            // budget_denials_total's series (and the storm table) bounded by real tenants.
            ledger.denied(tenant: ReservationOutcome.unknownTenantLabel, reason: "unknown_tenant", requestID: context.requestID)
            return .reject(Rejection(
                .budgetExceeded, "tenant \(identity.tenant) has no budget; a finance_admin sets one with PUT /admin/budget/limits/{tenant}",
                details: [("window", .string("daily")), ("limitUsd", .string(MicroDollars.text(0)))]))
        case .answered(.duplicate(_, let status, let response)):
            if status == "settled", let response {
                return .answer(StoredAnswer(status: response.status, headers: [("Idempotent-Replayed", "true")], body: response.body))
            }
            let why = status == "reserved"
                ? "a request with this Idempotency-Key is still in progress; retry later"
                : "a request with this Idempotency-Key was already processed (\(status)) and its response was not kept"
            return .reject(Rejection(.badRequest, why, status: 409))
        case .answered(.conflict):
            return .reject(Rejection(.badRequest, "this Idempotency-Key was used with a different document"))
        case .unavailable(let rejection):
            // budget.fail_mode: closed refuses (503).
            return .reject(rejection)
        case .admittedUnreserved:
            // budget.fail_mode: open admits unreserved (counted, audited by the store).
            return .continue
        }
    }
}
