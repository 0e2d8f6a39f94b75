import Foundation
import Logging
import Migrations
import Postgres
import ApprovalPolicy
import TestSupport
@testable import FourEyes

/// A fresh migrated database on the shared Postgres for each test.
struct FourEyesHarness: Sendable {
    static let quiet = MigratedDatabase.quietLogger("test.four_eyes")

    let pool: PostgresPool
    let store: ApprovalStore

    static func make(lifetime: Duration = .seconds(3_600)) async throws -> FourEyesHarness {
        let (_, pool) = try await MigratedDatabase.make(prefix: "foureyes", logger: quiet)
        return FourEyesHarness(pool: pool, store: ApprovalStore(pool: pool, lifetime: lifetime))
    }

    func newRequest(
        tenant: String = "demo", requester: String = "carol", document: String = "doc-1", variables: String = "vars-1"
    ) -> ApprovalStore.NewRequest {
        ApprovalStore.NewRequest(
            tenant: tenant, requester: requester, operationName: "Purge", documentHash: document, variablesHash: variables,
            estimateMicros: 6_000_000, tokens: 100, reasons: ["estimate_over_limit", "risk_tag:purge"], riskTags: ["purge"],
            targetTenants: [], correlationID: UUID().uuidString)
    }

    /// Stores a request and returns its record.
    func pending(_ new: ApprovalStore.NewRequest) async throws -> ApprovalRequestRecord {
        guard case .pending(let record, _) = try await store.request(new) else {
            throw HarnessError("expected a pending request")
        }
        return record
    }

    /// Records a decision with the policy's approver rule for `roles` in `tenant`.
    func decide(
        _ id: String, _ verdict: ApprovalStore.Verdict = .approve, by approver: String, roles: [String] = ["finance_admin"],
        approverTenant: String = "demo"
    ) async throws -> ApprovalStore.DecisionOutcome {
        try await store.decide(
            UUID(uuidString: id)!, verdict: verdict, approver: approver, roles: roles, note: nil, correlationID: UUID().uuidString
        ) { tenant, requester in
            ApproverCheck.problem(Approver(id: approver, roles: roles, tenant: approverTenant), tenant: tenant, requester: requester)
        }
    }

    /// Approved by alice and bob.
    func approved(_ new: ApprovalStore.NewRequest) async throws -> ApprovalRequestRecord {
        let record = try await pending(new)
        _ = try await decide(record.id, by: "alice")
        guard case .recorded(let done, true) = try await decide(record.id, by: "bob", roles: ["security_admin"]) else {
            throw HarnessError("expected the second approval to approve")
        }
        return done
    }

    /// Moves a request's clock back so it is past its expiry.
    func expire(_ id: String) async throws {
        _ = try await pool.query(
            "UPDATE approval_requests SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 second' WHERE id = $1::uuid",
            [.text(id)])
    }

    func auditActions() async throws -> [String] {
        try await pool.query("SELECT action FROM audit_log ORDER BY seq").map { try $0["action"].string() }
    }

    func close() { pool.close() }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
