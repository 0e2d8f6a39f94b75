import Admission
import ApprovalPolicy
import Contract
import Foundation
import GraphQLAnalysis
import HTTP
import Identity
import Logging
import Ports
import Synchronization
import Testing

/// In-memory ports: the steps' own logic (what an answer means for the request) tested
/// without Redis or Postgres. The adapters behind the ports have their own tests against
/// the real stores (LedgerTests, RateLimitTests, FourEyesTests, IntegrationTests).
final class FakeReservations: ReservationStore {
    let attempt: ReservationAttempt
    let seen = Mutex<[ReservationRequest]>([])
    let finished = Mutex<[Finish]>([])
    let denials = Mutex<[String]>([])

    init(_ attempt: ReservationAttempt) {
        self.attempt = attempt
    }

    func reserve(_ request: ReservationRequest) async -> ReservationAttempt {
        seen.withLock { $0.append(request) }
        return attempt
    }

    func finish(_ reservation: Reservation, _ finish: Finish) {
        finished.withLock { $0.append(finish) }
    }

    func denied(tenant: String, reason: String, requestID: String) {
        denials.withLock { $0.append("\(tenant):\(reason)") }
    }
}

final class FakeApprovals: ApprovalGate {
    let spends = Mutex<[ApprovalSpend]>([])
    let restored = Mutex<[String]>([])
    let storesRequests: Bool

    init(storesRequests: Bool = true) {
        self.storesRequests = storesRequests
    }

    func emergencyOverrideActive() -> Bool { false }

    func decide(_ input: PolicyInput) async throws(PolicyUnavailable) -> PolicyDecision {
        ApprovalRules.evaluate(input)
    }

    func request(_ new: ApprovalRequest) async throws -> ApprovalRequested {
        .pending(ApprovalTicket(id: "r-1", status: "pending", approvers: [], expiresAt: "2030-01-01T00:00:00.000000Z"), created: true)
    }

    func consume(_ evidence: ApprovalEvidence, spending: ApprovalSpend) async throws -> ApprovalConsumed {
        spends.withLock { $0.append(spending) }
        return .used(ApprovalTicket(id: "r-1", status: "used", approvers: ["a", "b"], expiresAt: "2030-01-01T00:00:00.000000Z"))
    }

    func restore(_ id: String, correlationID: String, reason: String) async throws {
        restored.withLock { $0.append(id) }
    }
}

@Suite("Admission steps against their ports")
struct StepPortTests {
    /// A mutation context for tenant `t1`, already identified, parsed and estimated.
    func mutation(headers: [(String, String)] = [], micros: Int64 = 20_000, riskTags: Set<String> = []) -> RequestContext {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        var context = RequestContext(
            requestID: "req-1", head: HTTPRequestHead(method: "POST", target: "/graphql", headers: fields), body: [],
            peer: "127.0.0.1:5000", logger: Logger(label: "test"), startNanos: 0)
        context.identity = Identity(subject: "u1", tenant: "t1", roles: [], source: .headers)
        context.operation = OperationAnalysis(
            kind: .mutation, name: "Create", rootFields: [RootField(name: "createEntity")], depth: 1, aliasCount: 0,
            isIntrospection: false, documentHash: String(repeating: "a", count: 64))
        context.estimate = Estimate(totalMicros: micros, totalTokens: 10, perField: [], riskTags: riskTags)
        return context
    }

    @Test("closed budget.fail_mode: the store's refusal is sent as it is; nothing is registered to settle")
    func reservationUnavailable() async {
        let store = FakeReservations(.unavailable(Rejection(.dependencyUnavailable, "the budget ledger is unavailable")))
        var context = mutation()
        let outcome = await LedgerStep(ledger: store).admit(&context)
        guard case .reject(let rejection) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
        #expect(rejection.code == .dependencyUnavailable)
        #expect(context.completions.isEmpty)
    }

    @Test("open budget.fail_mode: admitted unreserved, with no settlement to run")
    func admittedUnreserved() async {
        var context = mutation()
        let outcome = await LedgerStep(ledger: FakeReservations(.admittedUnreserved)).admit(&context)
        guard case .continue = outcome else { Issue.record("expected to pass, got \(outcome)"); return }
        #expect(context.completions.isEmpty)
    }

    @Test("an exceeded daily limit is BUDGET_EXCEEDED with exact figures, and the denial is counted once")
    func exceeded() async {
        let store = FakeReservations(.answered(.exceeded(window: .daily, limitMicros: 1_000_000, spentMicros: 990_000, reservedMicros: 0)))
        var context = mutation()
        let outcome = await LedgerStep(ledger: store).admit(&context)
        guard case .reject(let rejection) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
        #expect(rejection.code == .budgetExceeded)
        #expect(rejection.message.contains("0.990000 spent"))
        #expect(store.denials.withLock { $0 } == ["t1:daily"])
    }

    @Test("a reservation registers its settlement: a later refusal releases it")
    func reservedThenRefused() async {
        let reservation = Reservation(tenant: "t1", id: UUID(), estimateMicros: 20_000, estimateTokens: 10, multiplierMillis: 1000)
        let store = FakeReservations(.answered(.reserved(reservation)))
        var context = mutation(headers: [("Idempotency-Key", "k-1")])
        _ = await LedgerStep(ledger: store).admit(&context)
        #expect(store.seen.withLock { $0.first?.idempotencyKey } == "k-1")
        for completion in context.takeCompletions() { await completion.refused() }
        #expect(store.finished.withLock { $0 } == [.release])
    }

    @Test("Idempotency-Key read once for all steps: the debit step refuses a repeated one, four-eyes spends as if none")
    func idempotencyKeyShared() async {
        let headers = [("Idempotency-Key", "k-1"), ("Idempotency-Key", "k-2"), ("X-Approval-Id", UUID().uuidString)]
        var debit = mutation(headers: headers)
        let refused = await LedgerStep(ledger: FakeReservations(.admittedUnreserved)).admit(&debit)
        guard case .reject(let rejection) = refused else { Issue.record("expected a refusal, got \(refused)"); return }
        #expect(rejection.message.contains("more than once"))

        let approvals = FakeApprovals()
        var fourEyes = mutation(headers: headers, micros: 6_000_000)
        let passed = await FourEyesStep(approvals: approvals, failOpen: false).admit(&fourEyes)
        guard case .continue = passed else { Issue.record("expected to pass, got \(passed)"); return }
        #expect(approvals.spends.withLock { $0.map(\.idempotencyKey) } == [nil])
        #expect(approvals.spends.withLock { $0.first?.tenant } == "t1")
    }

    @Test("a used approval is given back when a later step refuses; without a store the mutation is a 503 naming database.url")
    func approvalRestoredAndNoStore() async {
        let approvals = FakeApprovals()
        var context = mutation(headers: [("X-Approval-Id", UUID().uuidString)], micros: 6_000_000)
        _ = await FourEyesStep(approvals: approvals, failOpen: false).admit(&context)
        for completion in context.takeCompletions() { await completion.refused() }
        #expect(approvals.restored.withLock { $0 } == ["r-1"])

        var unstored = mutation(micros: 6_000_000)
        let outcome = await FourEyesStep(approvals: FakeApprovals(storesRequests: false), failOpen: false).admit(&unstored)
        guard case .reject(let rejection) = outcome else { Issue.record("expected a refusal, got \(outcome)"); return }
        #expect(rejection.code == .dependencyUnavailable)
        #expect(rejection.message.contains("database.url"))
    }
}
