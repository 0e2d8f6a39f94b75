import ApprovalPolicy
import Contract
import GraphQLAnalysis
import Identity
import Logging
import Ports

/// The four-eyes step (SPEC §2): a mutation that the policy says needs two approvers is
/// refused with `APPROVAL_REQUIRED` and stored as a request; once two valid approvers
/// approved it, the same mutation re-sent with the evidence (`X-Approval-Id` or
/// `variables.approvers`) passes exactly once. Queries pass untouched.
public struct FourEyesStep: AdmissionStep {
    public let name = "four_eyes"
    /// The rules, the emergency override and the requests. Without `database.url` it keeps
    /// no requests: a mutation that needs approval is then refused (503).
    let approvals: any ApprovalGate
    /// `four_eyes.fail_mode: open` admits a mutation that needs approval when the approval
    /// store (Postgres) cannot answer; `closed` (the default) refuses it with 503.
    let failOpen: Bool

    public init(approvals: any ApprovalGate, failOpen: Bool) {
        self.approvals = approvals
        self.failOpen = failOpen
    }

    public func admit(_ context: inout RequestContext) async -> StepOutcome {
        guard let operation = context.operation, operation.kind == .mutation, let estimate = context.estimate else {
            return .continue
        }
        guard let identity = context.identity else {
            return .reject(Rejection(.unauthenticated, "a mutation needs an identity before the four-eyes check"))
        }
        let variables = context.graphQLRequest?.variables
        let input = PolicyInput(
            tenant: identity.tenant, requester: identity.subject, estimateMicros: estimate.totalMicros,
            tokens: estimate.totalTokens, riskTags: estimate.riskTags.sorted(),
            targetTenants: TargetTenants.find(rootFields: operation.rootFields, variables: variables),
            emergencyOverride: approvals.emergencyOverrideActive())
        let decision: PolicyDecision
        do {
            decision = try await approvals.decide(input)
        } catch {
            return .reject(Rejection(.dependencyUnavailable, error.message))
        }
        guard decision.requiresFourEyes else { return .continue }

        let evidence: ApprovalEvidence?
        switch ApprovalEvidence.read(headers: context.head.headers, variables: variables) {
        case .success(let read): evidence = read
        case .failure(let rejection): return .reject(rejection)
        }
        let variablesHash = VariablesHash.of(variables)
        guard approvals.storesRequests else {
            return .reject(Rejection(
                .dependencyUnavailable,
                "this mutation needs four-eyes approval (\(decision.reasons.joined(separator: ", "))), "
                    + "and approvals need Postgres: set database.url (env DATABASE_URL)"))
        }
        do {
            if let evidence {
                return try await spend(evidence, decision: decision, operation: operation,
                                       variablesHash: variablesHash, identity: identity, context: &context)
            }
            let requested = try await approvals.request(ApprovalRequest(
                tenant: identity.tenant, requester: identity.subject, operationName: operation.name,
                documentHash: operation.documentHash, variablesHash: variablesHash, estimateMicros: estimate.totalMicros,
                tokens: estimate.totalTokens, reasons: decision.reasons, riskTags: input.riskTags,
                targetTenants: input.targetTenants, correlationID: context.requestID))
            switch requested {
            case .pending(let record, let created):
                context.logger.notice("four-eyes approval required", metadata: [
                    "approval.id": "\(record.id)", "approval.created": "\(created)",
                    "approval.reasons": "\(decision.reasons.joined(separator: ","))",
                ])
                return .reject(Self.required(
                    "this mutation needs two approvers (\(decision.reasons.joined(separator: ", "))); "
                        + "ask them to POST /admin/approvals/\(record.id)/approve, then re-send it with header "
                        + "\(ApprovalEvidence.header): \(record.id)",
                    record: record, reasons: decision.reasons))
            case .approved(let record):
                return .reject(Self.required(
                    "this mutation is already approved: re-send it with header \(ApprovalEvidence.header): \(record.id) "
                        + "(or variables.approvers) to use the approval",
                    record: record, reasons: decision.reasons))
            }
        } catch {
            context.logger.error("four-eyes approval store failed", metadata: [
                "error": "\(error)", "four_eyes.fail_mode": "\(failOpen ? "open" : "closed")",
            ])
            if failOpen { return .continue }
            return .reject(Rejection(.dependencyUnavailable, "the four-eyes approval store is unavailable; retry later"))
        }
    }

    /// Spends the approval the request names; a later refusal (rate, budget) gives it back.
    private func spend(
        _ evidence: ApprovalEvidence, decision: PolicyDecision, operation: OperationAnalysis, variablesHash: String,
        identity: Identity, context: inout RequestContext
    ) async throws -> StepOutcome {
        // A malformed or repeated key is the debit step's to refuse; here it is no key.
        let consumed = try await approvals.consume(evidence, spending: ApprovalSpend(
            tenant: identity.tenant, documentHash: operation.documentHash, variablesHash: variablesHash,
            correlationID: context.requestID, actor: identity.subject, idempotencyKey: try? context.idempotencyKey.get()))
        switch consumed {
        case .retry(let record):
            context.logger.notice("four-eyes approval already used by this Idempotency-Key; the debit step replays", metadata: [
                "approval.id": "\(record.id)",
            ])
            return .continue
        case .used(let record):
            context.logger.notice("four-eyes approval used", metadata: [
                "approval.id": "\(record.id)", "approval.approvers": "\(record.approvers.joined(separator: ","))",
            ])
            context.onCompletion(ApprovalRestore(
                approvals: approvals, approvalID: record.id, requestID: context.requestID, logger: context.logger))
            return .continue
        case .refused(let why, let id):
            return .reject(Rejection(
                .approvalRequired, why,
                details: [("reasons", .strings(decision.reasons))] + (id.map { [("approvalRequestId", .string($0))] } ?? [])))
        }
    }

    static func required(_ message: String, record: ApprovalTicket, reasons: [String]) -> Rejection {
        Rejection(.approvalRequired, message, details: [
            ("approvalRequestId", .string(record.id)),
            ("approvalStatus", .string(record.status)),
            ("reasons", .strings(reasons)),
            ("approvers", .strings(record.approvers)),
            ("expiresAt", .string(record.expiresAt)),
        ])
    }
}

/// Four-eyes' post phase for a used approval: when a later step refuses the request, the
/// approval it was spent on is given back, since the mutation never reached the upstream.
struct ApprovalRestore: StepCompletion {
    let approvals: any ApprovalGate
    let approvalID: String
    let requestID: String
    let logger: Logger

    func refused() async {
        do {
            try await approvals.restore(approvalID, correlationID: requestID, reason: "refused after four-eyes; not forwarded")
        } catch {
            logger.error("approval not restored after a later refusal", metadata: [
                "approval.id": "\(approvalID)", "error": "\(error)",
            ])
        }
    }
}
