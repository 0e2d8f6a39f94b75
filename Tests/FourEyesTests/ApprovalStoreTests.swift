import Foundation
import Postgres
import Testing
@testable import FourEyes

/// The approval flow's bookkeeping against a real Postgres (SPEC §2): an approval cannot
/// be replayed, used for other variables or another document, used after expiry, or
/// granted by the requester or by one person twice.
@Suite("Approval store (real Postgres)")
struct ApprovalStoreTests {
    @Test("a request is stored once; a retry before approval gets the same id")
    func requestIsStoredOnce() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let new = harness.newRequest()
        guard case .pending(let first, true) = try await harness.store.request(new) else { Issue.record("not created"); return }
        guard case .pending(let again, false) = try await harness.store.request(new) else { Issue.record("not reused"); return }
        #expect(again.id == first.id)
        #expect(first.status == "pending")
        #expect(first.estimatedUSD == "6.000000")
        #expect(first.riskTags == ["purge"])
        // Another requester's same mutation is a separate request.
        let other = try await harness.pending(harness.newRequest(requester: "dave"))
        #expect(other.id != first.id)
        #expect(try await harness.store.pendingCount() == 2)
        #expect(try await harness.auditActions() == ["approval.request", "approval.request"])
    }

    @Test("two distinct valid approvers approve; the requester and a repeat approver are refused")
    func twoDistinctApprovers() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.pending(harness.newRequest(requester: "carol"))

        guard case .notAllowed(let selfWhy) = try await harness.decide(record.id, by: "carol", roles: ["admin"]) else {
            Issue.record("the requester approved their own request"); return
        }
        #expect(selfWhy.contains("requester"))

        guard case .recorded(let once, false) = try await harness.decide(record.id, by: "alice") else {
            Issue.record("first approval not recorded"); return
        }
        #expect(once.status == "pending")
        #expect(once.approvers == ["alice"])

        guard case .alreadyDecided = try await harness.decide(record.id, by: "alice") else {
            Issue.record("one person approved twice"); return
        }
        guard case .recorded(let twice, true) = try await harness.decide(record.id, by: "bob", roles: ["senior_analyst"]) else {
            Issue.record("second approval did not approve"); return
        }
        #expect(twice.status == "approved")
        #expect(Set(twice.approvers) == ["alice", "bob"])
        #expect(twice.approvedAt != nil)
        // Approved: no more decisions.
        guard case .notPending = try await harness.decide(record.id, by: "erin", roles: ["admin"]) else {
            Issue.record("decided an approved request"); return
        }
        #expect(try await harness.auditActions() == ["approval.request", "approval.approve", "approval.approve"])
    }

    @Test("a team lead approves their own tenant only; unknown roles never")
    func teamLeadScope() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.pending(harness.newRequest(tenant: "demo"))
        guard case .notAllowed(let why) = try await harness.decide(record.id, by: "tl-test", roles: ["team_lead"], approverTenant: "test") else {
            Issue.record("a team lead of another tenant approved"); return
        }
        #expect(why.contains("team_lead"))
        guard case .notAllowed = try await harness.decide(record.id, by: "viewer", roles: ["analyst"]) else {
            Issue.record("an analyst approved"); return
        }
        guard case .recorded(_, false) = try await harness.decide(record.id, by: "tl-demo", roles: ["team_lead"], approverTenant: "demo") else {
            Issue.record("a team lead of the tenant was refused"); return
        }
    }

    @Test("a rejection ends the request")
    func rejectionEndsIt() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let new = harness.newRequest()
        let record = try await harness.pending(new)
        guard case .recorded(let rejected, false) = try await harness.decide(record.id, .reject, by: "alice") else {
            Issue.record("rejection not recorded"); return
        }
        #expect(rejected.status == "rejected")
        guard case .notPending = try await harness.decide(record.id, by: "bob") else { Issue.record("approved after rejection"); return }
        let refused = try await harness.store.consume(
            .requestID(UUID(uuidString: record.id)!), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1",
            correlationID: "c1", actor: "carol")
        #expect(refused == .refused("approval request \(record.id) was rejected", id: record.id))
    }

    @Test("an approval is used once and cannot be replayed")
    func singleUse() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.approved(harness.newRequest())
        let id = UUID(uuidString: record.id)!
        guard case .used(let used) = try await harness.store.consume(
            .requestID(id), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c1", actor: "carol")
        else { Issue.record("approved request not usable"); return }
        #expect(used.status == "used")
        let replay = try await harness.store.consume(
            .requestID(id), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c2", actor: "carol")
        guard case .refused(let why, _) = replay else { Issue.record("replayed"); return }
        #expect(why.contains("already used"))
        #expect(try await harness.auditActions().last == "approval.use")
    }

    @Test("an approval is bound to its document, its variables and its tenant")
    func boundToWhatWasApproved() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.approved(harness.newRequest())
        let id = UUID(uuidString: record.id)!
        for (tenant, document, variables, expected) in [
            ("demo", "doc-1", "vars-2", "other variables"),
            ("demo", "doc-2", "vars-1", "another document"),
            ("test", "doc-1", "vars-1", "another tenant"),
        ] {
            let outcome = try await harness.store.consume(
                .requestID(id), tenant: tenant, documentHash: document, variablesHash: variables, correlationID: "c", actor: "carol")
            guard case .refused(let why, _) = outcome else { Issue.record("used for \(expected)"); continue }
            #expect(why.contains(expected), "\(why)")
        }
        // Still usable for exactly what was approved.
        guard case .used = try await harness.store.consume(
            .requestID(id), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c", actor: "carol")
        else { Issue.record("the matching request was refused"); return }
    }

    @Test("an expired approval is refused, and an expired pending request frees its slot")
    func expiry() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.approved(harness.newRequest())
        try await harness.expire(record.id)
        let outcome = try await harness.store.consume(
            .requestID(UUID(uuidString: record.id)!), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1",
            correlationID: "c", actor: "carol")
        guard case .refused(let why, _) = outcome else { Issue.record("used after expiry"); return }
        #expect(why.contains("expired"))

        let waiting = try await harness.pending(harness.newRequest(document: "doc-9"))
        try await harness.expire(waiting.id)
        guard case .notPending(let shown) = try await harness.decide(waiting.id, by: "alice") else {
            Issue.record("approved after expiry"); return
        }
        #expect(shown.status == "expired")
        guard case .pending(let fresh, true) = try await harness.store.request(harness.newRequest(document: "doc-9")) else {
            Issue.record("expired pending request blocked a new one"); return
        }
        #expect(fresh.id != waiting.id)
    }

    @Test("variables.approvers must name two approvers of the request")
    func approversEvidence() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        _ = try await harness.approved(harness.newRequest())
        let wrong = try await harness.store.consume(
            .approvers(["alice", "mallory"]), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c",
            actor: "carol")
        guard case .refused = wrong else { Issue.record("used with one real approver"); return }
        let right = try await harness.store.consume(
            .approvers(["bob", "alice"]), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c",
            actor: "carol")
        guard case .used = right else { Issue.record("refused with both approvers"); return }
    }

    @Test("32 concurrent re-sends of one approval: exactly one passes")
    func concurrentUse() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.approved(harness.newRequest())
        let id = UUID(uuidString: record.id)!
        let store = harness.store
        let used = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let outcome = try await store.consume(
                        index.isMultiple(of: 2) ? .requestID(id) : .approvers(["alice", "bob"]), tenant: "demo",
                        documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c\(index)", actor: "carol")
                    if case .used = outcome { return true }
                    return false
                }
            }
            var count = 0
            for try await passed in group where passed { count += 1 }
            return count
        }
        #expect(used == 1)
    }

    @Test("a later refusal gives the approval back, once")
    func restore() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        let record = try await harness.approved(harness.newRequest())
        let id = UUID(uuidString: record.id)!
        guard case .used = try await harness.store.consume(
            .requestID(id), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c1", actor: "carol")
        else { Issue.record("not used"); return }
        // Another request's correlation id cannot restore it.
        try await harness.store.restore(record.id, correlationID: "someone-else", reason: "test")
        guard case .refused = try await harness.store.consume(
            .requestID(id), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c2", actor: "carol")
        else { Issue.record("restored by a stranger"); return }
        try await harness.store.restore(record.id, correlationID: "c1", reason: "rate limited")
        guard case .used = try await harness.store.consume(
            .requestID(id), tenant: "demo", documentHash: "doc-1", variablesHash: "vars-1", correlationID: "c3", actor: "carol")
        else { Issue.record("not usable after restore"); return }
        #expect(try await harness.auditActions().suffix(3) == ["approval.use", "approval.restore", "approval.use"])
    }

    @Test("listing by status shows decisions and honours tenant")
    func listing() async throws {
        let harness = try await FourEyesHarness.make()
        defer { harness.close() }
        _ = try await harness.approved(harness.newRequest(document: "doc-a"))
        _ = try await harness.pending(harness.newRequest(document: "doc-b"))
        _ = try await harness.pending(harness.newRequest(tenant: "test", document: "doc-c"))
        #expect(try await harness.store.list(status: "pending", tenant: nil, limit: 10).count == 2)
        #expect(try await harness.store.list(status: "pending", tenant: "test", limit: 10).map(\.documentHash) == ["doc-c"])
        let approved = try await harness.store.list(status: "approved", tenant: nil, limit: 10)
        #expect(approved.count == 1)
        #expect(approved.first?.decisions.count == 2)
        #expect(try await harness.store.list(status: nil, tenant: nil, limit: 10).count == 3)
    }
}
