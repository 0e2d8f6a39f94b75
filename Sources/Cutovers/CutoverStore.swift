import Audit
import Cutover
import Foundation
import Kit
import Postgres

/// The cutover as every replica shares it: `canary_control` (kill switch, current
/// cutover, version), `canary_cutovers`, `canary_signoffs`, `canary_stage_history`.
public struct CutoverSnapshot: Sendable, Equatable {
    /// Bumped by every change: the broadcast and the poll compare it.
    public var version: Int64
    public var cutoverID: UUID?
    public var state: CutoverState

    public init(version: Int64, cutoverID: UUID?, state: CutoverState) {
        self.version = version
        self.cutoverID = cutoverID
        self.state = state
    }

    /// Before anything was read: weight 0.
    public static let unknown = CutoverSnapshot(version: -1, cutoverID: nil, state: CutoverState())
}

/// Why a change did not happen.
public enum CutoverChangeError: Error, Sendable, CustomStringConvertible {
    /// The rules refused it (409 for the admin API).
    case refused(CutoverState.Refusal)
    /// Postgres could not take it (503).
    case database(PostgresError)
    case other(String)

    public var description: String {
        switch self {
        case .refused(let refusal): return refusal.description
        case .database(let error): return "the cutover state is unavailable: \(error)"
        case .other(let text): return text
        }
    }
}

/// Reads and changes the shared cutover state. A change is one transaction that locks the
/// control row, reads the state, applies one of `CutoverState`'s rules, writes the result,
/// a history row and an audit row, and bumps the version, so two replicas (or an operator
/// and a judge) can never both promote a stage or undo each other's rollback.
public struct CutoverStore: Sendable {
    let pool: PostgresPool
    let audit: AuditLog

    public init(pool: PostgresPool) {
        self.pool = pool
        self.audit = AuditLog(pool: pool)
    }

    public func version() async throws(PostgresError) -> Int64 {
        try await pool.query("SELECT version FROM canary_control WHERE id = 1").single()["version"].int64()
    }

    public func load() async throws(PostgresError) -> CutoverSnapshot {
        do {
            return try await pool.transaction { session in try await Self.read(session, lock: false) }
        } catch let error as PostgresError {
            throw error
        } catch {
            throw PostgresError(.decoding, message: "\(error)")
        }
    }

    static func read(_ session: PostgresSession, lock: Bool) async throws -> CutoverSnapshot {
        let control = try await session.query("""
            SELECT version, kill_switch_engaged, current_cutover::text AS current,
                   array_to_json(freeze_override_by)::text AS freeze_by,
                   floor(extract(epoch FROM freeze_override_until))::bigint AS freeze_until
            FROM canary_control WHERE id = 1
            \(lock ? "FOR UPDATE" : "")
            """).single()
        var state = CutoverState()
        state.killSwitchEngaged = try control["kill_switch_engaged"].bool()
        if let until = try control["freeze_until"].nonNull?.int64() {
            let by = try JSONValue.parse(Array(try control["freeze_by"].string().utf8)).arrayValue?.compactMap(\.stringValue) ?? []
            state.freezeOverride = FreezeOverride(approvers: by, untilSeconds: until)
        }
        let version = try control["version"].int64()
        guard let idText = try control["current"].nonNull?.string(), let id = UUID(uuidString: idText) else {
            return CutoverSnapshot(version: version, cutoverID: nil, state: state)
        }
        let row = try await session.query("""
            SELECT status, array_to_json(stages)::text AS stages, hold_seconds, auto_promote, auto_rollback,
                   sign_off_roles::text AS sign_off_roles, stage_gates::text AS stage_gates, stage_index,
                   floor(extract(epoch FROM stage_started_at))::bigint AS stage_started, started_by, last_reason
            FROM canary_cutovers WHERE id = $1
            """, [.uuid(id)]).single()
        let stages = try JSONValue.parse(Array(try row["stages"].string().utf8)).arrayValue?.compactMap { $0.int64Value.map(Int.init) } ?? []
        var signOffRoles: [Int: [String]] = [:]
        for member in try JSONValue.parse(Array(try row["sign_off_roles"].string().utf8)).objectMembers ?? [] {
            guard let index = Int(member.key) else { continue }
            signOffRoles[index] = member.value.arrayValue?.compactMap(\.stringValue) ?? []
        }
        var stageGates: [Int: [String]] = [:]
        for member in try JSONValue.parse(Array(try row["stage_gates"].string().utf8)).objectMembers ?? [] {
            guard let index = Int(member.key) else { continue }
            stageGates[index] = member.value.arrayValue?.compactMap(\.stringValue) ?? []
        }
        state.plan = CutoverPlan(
            stages: stages, holdSeconds: try row["hold_seconds"].int64(), autoPromote: try row["auto_promote"].bool(),
            autoRollback: try row["auto_rollback"].bool(), signOffs: signOffRoles, gates: stageGates)
        state.status = CutoverState.Status(rawValue: try row["status"].string()) ?? .rolledBack
        state.stageIndex = try row["stage_index"].int()
        state.stageStartedAtSeconds = try row["stage_started"].int64()
        state.startedBy = try row["started_by"].string()
        state.lastReason = try row["last_reason"].nonNull?.string()
        let signed = try await session.query("""
            SELECT person, role, floor(extract(epoch FROM signed_at))::bigint AS at FROM canary_signoffs
            WHERE cutover_id = $1 AND stage_index = $2 ORDER BY signed_at, person
            """, [.uuid(id), .int(Int64(state.stageIndex))])
        state.signOffs = try signed.map { row throws(PostgresError) in
            CutoverState.SignOff(person: try row["person"].string(), role: try row["role"].string(), atSeconds: try row["at"].int64())
        }
        return CutoverSnapshot(version: version, cutoverID: id, state: state)
    }

    /// One change by `actor`: `event` names it in the history and the audit log
    /// (`cutover.<event>`); `detail` is kept with it (the verdict, the stage summary).
    public func change(
        event: String, actor: String, atSeconds now: Int64, detail: JSONValue = .object([]),
        _ rule: @Sendable (CutoverState) -> Result<CutoverState, CutoverState.Refusal>
    ) async -> Result<CutoverSnapshot, CutoverChangeError> {
        do {
            return try await pool.transaction { session -> Result<CutoverSnapshot, CutoverChangeError> in
                let before = try await Self.read(session, lock: true)
                let next: CutoverState
                switch rule(before.state) {
                case .failure(let refusal): return .failure(.refused(refusal))
                case .success(let value): next = value
                }
                var cutoverID = before.cutoverID
                if event == "start", let plan = next.plan {
                    cutoverID = try await Self.insertCutover(session, next, plan: plan)
                } else if let id = cutoverID, before.state.status != .idle {
                    try await Self.updateCutover(session, id: id, next)
                }
                if let id = cutoverID {
                    for signOff in next.signOffs where !before.state.signOffs.contains(signOff) || event == "start" {
                        _ = try await session.query("""
                            INSERT INTO canary_signoffs (cutover_id, stage_index, person, role, signed_at)
                            VALUES ($1, $2, $3, $4, to_timestamp($5)) ON CONFLICT DO NOTHING
                            """, [.uuid(id), .int(Int64(next.stageIndex)), .text(signOff.person), .text(signOff.role), .int(signOff.atSeconds)])
                    }
                }
                let version = try await session.query("""
                    UPDATE canary_control SET version = version + 1, kill_switch_engaged = $1, current_cutover = $2,
                        freeze_override_by = ARRAY(SELECT jsonb_array_elements_text($3::jsonb)),
                        freeze_override_until = to_timestamp($4), updated_at = now()
                    WHERE id = 1 RETURNING version
                    """, [.bool(next.killSwitchEngaged), cutoverID.map { .uuid($0) },
                          .json(JSONValue.array((next.freezeOverride?.approvers ?? []).map { .string($0) }).serialized),
                          next.freezeOverride.map { .int($0.untilSeconds) }]).single()["version"].int64()
                _ = try await session.query("""
                    INSERT INTO canary_stage_history (cutover_id, event, stage_index, weight_percent, actor, reason, detail)
                    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
                    """, [cutoverID.map { .uuid($0) }, .text(event), .int(Int64(next.stageIndex)), .int(Int64(next.weightPercent)),
                          .text(actor), next.lastReason.map { .text($0) }, .json(detail.serialized)])
                try await audit.append(AuditEntry(
                    action: "cutover.\(event)", actor: actor, tenant: nil, correlationID: cutoverID?.uuidString.lowercased(),
                    reason: next.lastReason, details: .object([
                        JSONMember("status", .string(next.status.rawValue)),
                        JSONMember("stage", .number(String(next.stageNumber))),
                        JSONMember("weight_percent", .number(String(next.weightPercent))),
                        JSONMember("kill_switch_engaged", .bool(next.killSwitchEngaged)),
                        JSONMember("detail", detail),
                    ])), in: session)
                return .success(CutoverSnapshot(version: version, cutoverID: cutoverID, state: next))
            }
        } catch let error as PostgresError {
            return .failure(.database(error))
        } catch {
            return .failure(.other("\(error)"))
        }
    }

    private static func insertCutover(_ session: PostgresSession, _ state: CutoverState, plan: CutoverPlan) async throws -> UUID {
        let roles = JSONValue.object(plan.signOffs.keys.sorted().map { index in
            JSONMember(String(index), .array((plan.signOffs[index] ?? []).map { .string($0) }))
        })
        let gates = JSONValue.object(plan.gates.keys.sorted().map { index in
            JSONMember(String(index), .array((plan.gates[index] ?? []).map { .string($0) }))
        })
        let row = try await session.query("""
            INSERT INTO canary_cutovers (status, stages, hold_seconds, auto_promote, auto_rollback, sign_off_roles,
                                         stage_index, stage_started_at, started_by, last_reason, stage_gates)
            VALUES ($1, ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::integer), $3, $4, $5, $6::jsonb, $7, to_timestamp($8), $9, $10, $11::jsonb)
            RETURNING id::text AS id
            """, [.text(state.status.rawValue), .json(JSONValue.array(plan.stages.map { .number(String($0)) }).serialized),
                  .int(plan.holdSeconds), .bool(plan.autoPromote), .bool(plan.autoRollback), .json(roles.serialized),
                  .int(Int64(state.stageIndex)), .int(state.stageStartedAtSeconds), .text(state.startedBy ?? "unknown"),
                  state.lastReason.map { .text($0) }, .json(gates.serialized)]).single()
        guard let id = UUID(uuidString: try row["id"].string()) else { throw PostgresError(.decoding, message: "cutover id is not a UUID") }
        return id
    }

    private static func updateCutover(_ session: PostgresSession, id: UUID, _ state: CutoverState) async throws {
        let status = state.status == .idle ? CutoverState.Status.rolledBack : state.status
        _ = try await session.query("""
            UPDATE canary_cutovers SET status = $2, stage_index = $3, stage_started_at = to_timestamp($4), last_reason = $5, updated_at = now()
            WHERE id = $1
            """, [.uuid(id), .text(status.rawValue), .int(Int64(state.stageIndex)), .int(state.stageStartedAtSeconds),
                  state.lastReason.map { .text($0) }])
    }

    /// The history of one cutover (or the latest), newest last, for status and evidence.
    public func history(cutoverID: UUID, limit: Int = 200) async throws(PostgresError) -> [JSONValue] {
        let rows = try await pool.query("""
            SELECT event, stage_index, weight_percent, actor, reason, detail::text AS detail,
                   \(SQLText.utc("at")) AS at_text
            FROM (SELECT * FROM canary_stage_history WHERE cutover_id = $1 ORDER BY id DESC LIMIT $2) h ORDER BY id
            """, [.uuid(cutoverID), .int(Int64(limit))])
        return try rows.map { row throws(PostgresError) in
            let detail = (try? JSONValue.parse(Array(try row["detail"].string().utf8))) ?? .object([])
            var reason = JSONValue.null
            if let cell = row["reason"].nonNull { reason = .string(try cell.string()) }
            return .object([
                JSONMember("event", .string(try row["event"].string())),
                JSONMember("stage", .number(String(try row["stage_index"].nonNull?.int64().advanced(by: 1) ?? 0))),
                JSONMember("weight_percent", .number(String(try row["weight_percent"].int64()))),
                JSONMember("actor", .string(try row["actor"].string())),
                JSONMember("reason", reason),
                JSONMember("detail", detail),
                JSONMember("at", .string(try row["at_text"].string())),
            ])
        }
    }
}
