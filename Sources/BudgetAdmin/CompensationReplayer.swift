import Contract
import Audit
import Config
import Foundation
import GraphQLAnalysis
import HTTPClient
import Kit
import Logging
import Postgres
import Telemetry

/// `safemut compensate`: replays the inverse mutations the upstream reported, newest first
/// (undoing a sequence of changes runs their inverses in reverse order).
///
/// Each replay holds its `compensation_log` row locked (`FOR UPDATE SKIP LOCKED`) from
/// before the request until the row is marked, so two runs never send the same inverse;
/// the request carries `Idempotency-Key: <row id>`, so a request that a crash left
/// unconfirmed can be sent again by a later run and applied once. The row's new state and
/// its audit row commit together. Requests go through `HTTPCaller`, the gateway's own
/// upstream client; a replay is never re-sent by the pool (it is a mutation).
public struct CompensationReplayer: Sendable {
    let pool: PostgresPool
    let audit: AuditLog
    let upstream: HTTPCaller
    let rule: DestructiveRule
    /// Who runs it, for the audit rows.
    let actor: String
    /// The operator's reason (`--reason`), for the audit rows.
    let reason: String?
    let logger: Logger
    let cache = DocumentCache(capacity: 64)

    public init(
        pool: PostgresPool, upstream: HTTPEndpoint, rule: DestructiveRule, actor: String, reason: String? = nil,
        connectTimeout: Duration = .seconds(1), readTimeout: Duration = .seconds(30), logger: Logger
    ) throws(HTTPCallError) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
        self.upstream = try HTTPCaller(
            configuration: UpstreamConfiguration(
                host: upstream.host, port: upstream.port, basePath: upstream.basePath, maxIdlePerLoop: 1, maxConnectionsPerLoop: 1,
                connectTimeoutMs: connectTimeout.wholeMilliseconds, readTimeoutMs: readTimeout.wholeMilliseconds),
            name: "compensate")
        self.rule = rule
        self.actor = actor
        self.reason = reason
        self.logger = logger
    }

    /// Answers past this are refused (a compensation's answer is a few hundred bytes).
    static let maxResponseBytes = 8 << 20

    /// Stops the upstream client's loop thread.
    public func shutdown() {
        upstream.shutdown()
    }

    /// The newest `last` pending compensations (of `tenant`, when given), newest first.
    public func pending(last: Int, tenant: String? = nil) async throws(PostgresError) -> [CompensationEntry] {
        let rows = try await pool.query("""
            SELECT \(CompensationEntry.columns) FROM compensation_log
            WHERE status = 'pending' AND ($2::text IS NULL OR tenant_id = $2::text)
            ORDER BY created_at DESC, id DESC
            LIMIT $1
            """, [.int(Int64(last)), tenant.map { .text($0) }])
        var entries: [CompensationEntry] = []
        for row in rows { entries.append(try CompensationEntry(row, rule: rule, cache: cache)) }
        return entries
    }

    /// Reads the pending compensations and, unless `dryRun`, replays them one by one;
    /// `report` gets each entry with its outcome as it is decided.
    public func run(
        last: Int, tenant: String?, dryRun: Bool, approveDestructive: Bool,
        report: @Sendable (CompensationEntry, ReplayOutcome) -> Void
    ) async throws(PostgresError) -> ReplaySummary {
        let entries = try await pending(last: last, tenant: tenant)
        var summary = ReplaySummary()
        summary.read = entries.count
        for entry in entries {
            let outcome: ReplayOutcome
            if dryRun {
                outcome = Self.plan(entry, approveDestructive: approveDestructive)
            } else {
                outcome = try await replay(entry, approveDestructive: approveDestructive)
            }
            summary.count(outcome)
            report(entry, outcome)
            if case .upstreamUnreachable = outcome {
                summary.stoppedEarly = true
                break
            }
        }
        return summary
    }

    /// What a real run would do with `entry`, without sending anything.
    static func plan(_ entry: CompensationEntry, approveDestructive: Bool) -> ReplayOutcome {
        switch entry.inverse {
        case .failure(let problem):
            return .failed(problem.message)
        case .success(let inverse):
            if !inverse.destructiveReasons.isEmpty && !approveDestructive { return .refusedDestructive(inverse.destructiveReasons) }
            return .wouldReplay
        }
    }

    /// Replays one compensation (see the type's comment for the guarantees).
    public func replay(_ entry: CompensationEntry, approveDestructive: Bool) async throws(PostgresError) -> ReplayOutcome {
        if case .refusedDestructive(let reasons) = Self.plan(entry, approveDestructive: approveDestructive) {
            return .refusedDestructive(reasons)
        }
        do {
            return try await pool.transaction { session in
                let locked = try await session.query("""
                    SELECT status FROM compensation_log WHERE tenant_id = $1 AND id = $2::uuid FOR UPDATE SKIP LOCKED
                    """, [.text(entry.tenantID), .text(entry.id)])
                guard let row = locked.first else { return .skipped("another run is replaying it") }
                let status = try row["status"].string()
                guard status == "pending" else { return .skipped("it is \(status) now") }

                let requestID = UUID().uuidString.lowercased()
                let outcome: ReplayOutcome
                var httpStatus: Int?
                switch entry.inverse {
                case .failure(let problem):
                    outcome = .failed(problem.message)
                case .success(let inverse):
                    let headers = [
                        ("Content-Type", "application/json"), ("Accept", "application/json"),
                        ("X-Tenant", entry.tenantID), ("X-Request-Id", requestID), ("Idempotency-Key", entry.id),
                    ]
                    let answer = await upstream.call(
                        method: "POST", path: "/graphql", headers: headers, body: inverse.requestBody, idempotent: false,
                        maxResponseBytes: Self.maxResponseBytes)
                    switch answer {
                    case .success(let reply):
                        httpStatus = reply.status
                        outcome = ReplayOutcome.judge(status: reply.status, body: reply.body)
                    case .failure(let error) where !error.requestMayHaveArrived:
                        return .upstreamUnreachable("\(error)")
                    case .failure(let error):
                        outcome = .unconfirmed("\(error)")
                    }
                }
                try await mark(entry, outcome, in: session)
                try await audit.append(auditEntry(entry, outcome, requestID: requestID, httpStatus: httpStatus), in: session)
                return outcome
            }
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError(.decoding, message: "compensation replay: \(error)")
        }
    }

    private func mark(_ entry: CompensationEntry, _ outcome: ReplayOutcome, in session: PostgresSession) async throws(PostgresError) {
        let (status, error): (String, String?)
        switch outcome {
        case .replayed: (status, error) = ("replayed", nil)
        case .failed(let why): (status, error) = ("failed", why)
        // Unconfirmed stays pending for the next run; the attempt is in the audit log.
        default: return
        }
        _ = try await session.query("""
            UPDATE compensation_log SET status = $3, replayed_at = now(), replay_error = $4
            WHERE tenant_id = $1 AND id = $2::uuid
            """, [.text(entry.tenantID), .text(entry.id), .text(status), error.map { .text($0) }])
    }

    private func auditEntry(_ entry: CompensationEntry, _ outcome: ReplayOutcome, requestID: String, httpStatus: Int?) -> AuditEntry {
        var details: [JSONMember] = [
            JSONMember("compensation_id", .string(entry.id)),
            JSONMember("original_correlation_id", .string(entry.correlationID)),
            JSONMember("original_operation", .optional(entry.operationName)),
            JSONMember("outcome", .string(outcome.label)),
            JSONMember("http_status", httpStatus.map { .int($0) } ?? .null),
            JSONMember("idempotency_key", .string(entry.id)),
        ]
        if case .success(let inverse) = entry.inverse {
            details.append(JSONMember("root_fields", .strings(inverse.rootFields)))
            details.append(JSONMember("destructive", .bool(!inverse.destructiveReasons.isEmpty)))
        }
        switch outcome {
        case .failed(let why), .unconfirmed(let why): details.append(JSONMember("error", .string(why)))
        default: break
        }
        return AuditEntry(
            action: "compensation.replay", actor: actor, tenant: entry.tenantID, correlationID: requestID, reason: reason,
            details: .object(details))
    }
}
