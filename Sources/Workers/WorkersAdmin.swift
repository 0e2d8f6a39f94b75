import Contract
import Audit
import Foundation
import Kit
import Logging
import Postgres

/// `GET /admin/workers/status` and `POST /admin/workers/canary-escalate` (SPEC §3, §9).
///
/// The status is this replica's view (whether it leads, its timers, its last passes) plus
/// two facts from Postgres that hold for the whole deployment: which backend holds the
/// leader lock, and when `budget_daily` was last reconciled by anyone.
///
/// `POST /admin/workers/canary-escalate` with `{"dry_run":true}` runs one escalation pass
/// now on this replica, leader or not (passes are safe to overlap), as the caller. The
/// `dry_run` key is required: a body without it, or with any other key, is `BAD_REQUEST`,
/// so a typo never turns a rehearsal into a real escalation. `canary.escalation_dry_run`
/// makes every pass a dry run whatever the body says.
public struct WorkersAdmin: Sendable {
    let runner: WorkerRunner
    let logger: Logger

    public init(runner: WorkerRunner, logger: Logger) {
        self.runner = runner
        self.logger = logger
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/workers/status") { _ in await self.status() },
            AdminEndpoint("POST", "/admin/workers/canary-escalate") { call in await self.escalate(call) },
        ]
    }

    static let lastReconciled = "SELECT max(reconciled_at) AS at, now() AS now FROM budget_daily"

    func status() async -> AdminReply {
        let status = runner.status
        var holder: JSONValue = .null
        var lastReconciled: JSONValue = .null
        var age: JSONValue = .null
        var databaseError: JSONValue = .null
        do throws(PostgresError) {
            holder = try await runner.settings.lock.holder(runner.pool).map { .number(String($0)) } ?? .null
            let row = try await runner.pool.query(Self.lastReconciled).single()
            if let at = try row["at"].nonNull?.timestampMicros() {
                lastReconciled = .string(RFC3339.format(micros: at))
                age = .number(String(max(0, try row["now"].timestampMicros() - at) / 1_000_000))
            }
        } catch {
            databaseError = .string(error.description)
        }
        return AdminReply(json: .object([
            JSONMember("enabled", .bool(status.enabled)),
            JSONMember("leader", .bool(status.isLeader)),
            JSONMember("leader_since", Self.time(status.leaderSince)),
            JSONMember("leader_error", status.leaderError.map { .string($0) } ?? .null),
            JSONMember("leader_backend_pid", holder),
            JSONMember("budget_daily_reconciled_at", lastReconciled),
            JSONMember("budget_daily_age_seconds", age),
            JSONMember("database_error", databaseError),
            JSONMember("workers", .object([
                JSONMember(status.reconcile.name, Self.worker(status.reconcile)),
                JSONMember(status.escalation.name, Self.worker(status.escalation)),
            ])),
        ]))
    }

    func escalate(_ call: AdminCall) async -> AdminReply {
        let body: JSONValue
        switch call.jsonObject() {
        case .success(let value): body = value
        case .failure(let reply): return reply
        }
        let dryRun: Bool
        switch Self.dryRun(body) {
        case .success(let value): dryRun = value
        case .failure(let reply): return reply
        }
        do {
            let report = try await runner.escalateNow(dryRun: dryRun, trigger: .manual(actor: call.identity.subject, correlationID: call.requestID))
            return AdminReply(json: report.json)
        } catch {
            logger.error("canary escalation request failed", metadata: ["error": "\(error)", "request.id": "\(call.requestID)"])
            return .unavailable("canary escalation could not run: Postgres did not answer")
        }
    }

    /// `{"dry_run": true|false}` and nothing else.
    static func dryRun(_ body: JSONValue) -> Result<Bool, AdminReply> {
        let members = body.objectMembers ?? []
        if let unknown = members.first(where: { $0.key != "dry_run" }) {
            return .failure(.badRequest("unknown key \"\(unknown.key.prefix(64))\": the body is {\"dry_run\": true|false}"))
        }
        guard let value = body["dry_run"] else {
            return .failure(.badRequest("dry_run is required: {\"dry_run\": true} to rehearse, {\"dry_run\": false} to escalate"))
        }
        guard case .bool(let flag) = value else {
            return .failure(.badRequest("dry_run: expected true or false"))
        }
        return .success(flag)
    }

    static func worker(_ status: WorkerStatus) -> JSONValue {
        .object([
            JSONMember("interval_ms", .number(String(status.interval.components.seconds * 1_000 + status.interval.components.attoseconds / 1_000_000_000_000_000))),
            JSONMember("last_run", time(status.lastRunStarted)),
            JSONMember("last_run_finished", time(status.lastRunFinished)),
            JSONMember("last_success", time(status.lastSuccess)),
            JSONMember("last_result", status.lastResult ?? .null),
            JSONMember("last_error", status.lastError.map { .string($0) } ?? .null),
            JSONMember("next_run", time(status.nextRun)),
            JSONMember("runs", .number(String(status.runs))),
            JSONMember("failures", .number(String(status.failures))),
        ])
    }

    static func time(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(RFC3339.format(micros: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))))
    }
}
