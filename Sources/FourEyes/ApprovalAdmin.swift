import Contract
import ApprovalPolicy
import Postgres
import Foundation
import Identity
import Kit
import Logging

/// The four-eyes queue (SPEC §3): `GET /admin/approvals?status=pending`,
/// `POST /admin/approvals/{id}/approve` and `…/reject`, and the emergency policy override
/// (`POST`/`GET /admin/policy/emergency-override`, `DELETE …/{id}`).
///
/// The role table lets every approver role reach these routes; who may decide a given
/// request (a team lead only for their own tenant, never the requester) is the policy's
/// approver rule, applied here because only the stored request knows tenant and requester.
public struct ApprovalAdmin: Sendable {
    let approvals: ApprovalStore
    let overrides: EmergencyOverrideStore
    let emergency: EmergencyOverrideState
    let metrics: FourEyesMetrics
    let logger: Logger

    public init(
        approvals: ApprovalStore, overrides: EmergencyOverrideStore, emergency: EmergencyOverrideState, metrics: FourEyesMetrics,
        logger: Logger
    ) {
        self.approvals = approvals
        self.overrides = overrides
        self.emergency = emergency
        self.metrics = metrics
        self.logger = logger
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/approvals") { call in await self.list(call) },
            AdminEndpoint("POST", "/admin/approvals/{id}/approve") { call in await self.decide(call, .approve) },
            AdminEndpoint("POST", "/admin/approvals/{id}/reject") { call in await self.decide(call, .reject) },
            AdminEndpoint("POST", "/admin/approvals/bulk") { call in await self.bulk(call) },
            AdminEndpoint("POST", "/admin/policy/emergency-override") { call in await self.createOverride(call) },
            AdminEndpoint("GET", "/admin/policy/emergency-override") { call in await self.showOverrides(call) },
            AdminEndpoint("DELETE", "/admin/policy/emergency-override/{id}") { call in await self.revokeOverride(call) },
        ]
    }

    /// The same routes answering 503, for a gateway without `database.url`.
    public static func unavailableEndpoints() -> [AdminEndpoint] {
        let message = "four-eyes approvals need Postgres: set database.url (env DATABASE_URL)"
        return [
            ("GET", "/admin/approvals"), ("POST", "/admin/approvals/{id}/approve"), ("POST", "/admin/approvals/{id}/reject"),
            ("POST", "/admin/approvals/bulk"), ("POST", "/admin/policy/emergency-override"), ("GET", "/admin/policy/emergency-override"),
            ("DELETE", "/admin/policy/emergency-override/{id}"),
        ].map { route in AdminEndpoint(route.0, route.1) { _ in .unavailable(message) } }
    }

    static let statuses = ["pending", "approved", "rejected", "used", "expired", "all"]

    // MARK: GET /admin/approvals

    func list(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.sorted().first(where: { !["status", "tenant", "limit"].contains($0) }) {
            return .badRequest("unknown query parameter \"\(unknown)\"; accepted: status, tenant, limit")
        }
        let status = call.query["status"] ?? "pending"
        guard Self.statuses.contains(status) else {
            return .badRequest("status must be one of \(Self.statuses.joined(separator: ", "))")
        }
        var tenant = call.query["tenant"]
        if let tenant, let problem = TenantID.problem(tenant) { return .badRequest("tenant \(problem)") }
        // A team lead with no wider role sees their own tenant's queue only.
        if Self.onlyTeamLead(call.identity) {
            if let tenant, tenant != call.identity.tenant {
                return AdminReply.forbidden("a team_lead sees the approvals of tenant \(call.identity.tenant) only")
            }
            tenant = call.identity.tenant
        }
        var limit = 100
        if let text = call.query["limit"] {
            guard let value = Int(text), (1...1_000).contains(value) else { return .badRequest("limit must be 1–1000") }
            limit = value
        }
        do {
            let records = try await approvals.list(status: status == "all" ? nil : status, tenant: tenant, limit: limit)
            return AdminReply(json: .members([
                "status": .string(status),
                "approvals": .array(records.map(\.json)),
                "count": .int(records.count),
            ]))
        } catch {
            return AdminReply.database(error)
        }
    }

    static func onlyTeamLead(_ identity: Identity) -> Bool {
        identity.roles.contains(Role.teamLead)
            && identity.roles.isDisjoint(with: [Role.admin, Role.financeAdmin, Role.securityAdmin, Role.seniorAnalyst])
    }

    // MARK: POST /admin/approvals/{id}/approve|reject

    func decide(_ call: AdminCall, _ verdict: ApprovalStore.Verdict) async -> AdminReply {
        guard let text = call.parameters["id"], let id = UUID(uuidString: text) else {
            return .badRequest("the approval request id must be a UUID")
        }
        let body: RequestBody
        switch RequestBody.parse(call, known: ["note", "reason"], optional: true) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        var note: String?
        for key in ["note", "reason"] {
            switch body.text(key, maxBytes: 2_000, required: false) {
            case .success(let value?): note = value
            case .success(nil): break
            case .failure(let reply): return reply
            }
        }
        let identity = call.identity
        let approver = Approver(id: identity.subject, roles: identity.roles.sorted(), tenant: identity.tenant)
        do {
            let outcome = try await approvals.decide(
                id, verdict: verdict, approver: identity.subject, roles: identity.roles.sorted(), note: note,
                correlationID: call.requestID
            ) { tenant, requester in
                ApproverCheck.problem(approver, tenant: tenant, requester: requester)
            }
            switch outcome {
            case .recorded(let record, let approvedNow):
                metrics.decided(verdict)
                if approvedNow { metrics.approved(afterSeconds: record.secondsToApprove ?? 0) }
                logger.notice("four-eyes decision", metadata: [
                    "request.id": "\(call.requestID)", "admin.user": "\(identity.subject)", "approval.id": "\(record.id)",
                    "approval.decision": "\(verdict.rawValue)", "approval.status": "\(record.status)",
                ])
                return AdminReply(json: Self.withNext(record))
            case .notFound:
                return AdminReply.notFound("no approval request \(text.lowercased())")
            case .notAllowed(let why):
                return AdminReply.forbidden(why)
            case .alreadyDecided(let record):
                return AdminReply.conflict(
                    "\(identity.subject) already decided this request; two approvals must come from two different people",
                    details: ["status": .string(record.status)])
            case .notPending(let record):
                return AdminReply.conflict(
                    "approval request \(record.id) is \(record.status), not pending", details: ["status": .string(record.status)])
            }
        } catch {
            return AdminReply.from(error)
        }
    }

    /// The request plus what happens next, for the approver's terminal.
    static func withNext(_ record: ApprovalRequestRecord) -> JSONValue {
        guard case .object(var members) = record.json else { return record.json }
        let next: String
        switch record.status {
        case "approved":
            next = "approved: the requester re-sends the same mutation with header X-Approval-Id: \(record.id) "
                + "(or variables.approvers: [\(record.approvers.map { "\"\($0)\"" }.joined(separator: ","))]); it passes once"
        case "rejected": next = "rejected: the mutation will not pass with this request"
        default: next = "waiting for \(max(0, 2 - Set(record.approvers).count)) more approval(s) from someone else"
        }
        members.append(JSONMember("next", .string(next)))
        return .object(members)
    }
}
