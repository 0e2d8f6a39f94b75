import Audit
import Config
import Contract
import Cutover
import Foundation
import Kit
import Logging

/// `/admin/cutover*` (SPEC §10): the status, start, promote, pause, resume, rollback, a
/// stage owner's sign-off and the kill switch. Every change goes through the engine (one
/// transaction, history and audit rows, broadcast); a refusal by the cutover's rules is
/// 409 `CONFLICT` naming why, a bad body 400, Postgres gone 503.
public struct CutoverAdmin: Sendable {
    let engine: CutoverEngine
    let config: CutoverConfig
    /// Asks the canary whether it is up (`canary.health_path`); nil when it is, else why not.
    let probeCanary: @Sendable () async -> String?

    public init(engine: CutoverEngine, config: CutoverConfig, probeCanary: @escaping @Sendable () async -> String?) {
        self.engine = engine
        self.config = config
        self.probeCanary = probeCanary
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/cutover") { _ in await self.status() },
            AdminEndpoint("POST", "/admin/cutover") { call in await self.start(call) },
            AdminEndpoint("POST", "/admin/cutover/promote") { call in await self.simple(call, event: "promote") },
            AdminEndpoint("POST", "/admin/cutover/pause") { call in await self.simple(call, event: "pause") },
            AdminEndpoint("POST", "/admin/cutover/resume") { call in await self.simple(call, event: "resume") },
            AdminEndpoint("POST", "/admin/cutover/rollback") { call in await self.rollback(call) },
            AdminEndpoint("POST", "/admin/cutover/approvals") { call in await self.signOff(call) },
            AdminEndpoint("PUT", "/admin/cutover/kill-switch") { call in await self.killSwitch(call) },
            AdminEndpoint("POST", "/admin/cutover/freeze-override") { call in await self.overrideFreeze(call) },
        ]
    }

    func status() async -> AdminReply {
        let snapshot = engine.live.snapshot
        var history: JSONValue = .array([])
        if let id = snapshot.cutoverID, let store = engine.store {
            history = .array((try? await store.history(cutoverID: id, limit: 50)) ?? [])
        }
        return AdminReply(json: Self.json(snapshot, verdict: engine.lastVerdict, routedWeight: engine.live.weightPercent,
                                          canary: config.upstreamURL?.description, history: history, now: engine.live.now))
    }

    static func json(
        _ snapshot: CutoverSnapshot, verdict: StageVerdict, routedWeight: Int, canary: String?, history: JSONValue, now: Int64
    ) -> JSONValue {
        let state = snapshot.state
        let plan = state.plan
        let holdRemaining = plan.map { max(0, $0.holdSeconds - state.heldSeconds(atSeconds: now)) }
        return .object([
            JSONMember("cutover_id", snapshot.cutoverID.map { .string($0.uuidString.lowercased()) } ?? .null),
            JSONMember("status", .string(state.status.rawValue)),
            JSONMember("stage", .number(String(state.stageNumber))),
            JSONMember("weight_percent", .number(String(state.weightPercent))),
            JSONMember("routed_weight_percent", .number(String(routedWeight))),
            JSONMember("kill_switch_engaged", .bool(state.killSwitchEngaged)),
            JSONMember("canary_upstream", canary.map { .string($0) } ?? .null),
            JSONMember("stages", plan.map { .array($0.stages.map { .number(String($0)) }) } ?? .null),
            JSONMember("hold_seconds", plan.map { .number(String($0.holdSeconds)) } ?? .null),
            JSONMember("hold_remaining_seconds", (state.status == .running ? holdRemaining : nil).map { .number(String($0)) } ?? .null),
            JSONMember("auto_promote", plan.map { .bool($0.autoPromote) } ?? .null),
            JSONMember("auto_rollback", plan.map { .bool($0.autoRollback) } ?? .null),
            JSONMember("started_by", state.startedBy.map { .string($0) } ?? .null),
            JSONMember("sign_offs", .array(state.signOffs.map(\.json))),
            JSONMember("sign_offs_missing", .array(state.missingSignOffs.map { .string($0) })),
            JSONMember("gates_required", .array(state.requiredGates.map { .string($0) })),
            JSONMember("last_reason", state.lastReason.map { .string($0) } ?? .null),
            JSONMember("freeze_override", state.freezeOverride.map { override in .object([
                JSONMember("approvers", .array(override.approvers.map { .string($0) })),
                JSONMember("active", .bool(override.active(atSeconds: now))),
                JSONMember("until", .number(String(override.untilSeconds))),
            ]) } ?? .null),
            JSONMember("verdict", .string(verdict.overall.rawValue)),
            JSONMember("rules", .array(verdict.rules.map { .object([
                JSONMember("rule", .string($0.rule)), JSONMember("verdict", .string($0.verdict.rawValue)),
                JSONMember("detail", .string($0.detail)), JSONMember("breach_seconds", .number(String($0.breachSeconds))),
            ]) })),
            JSONMember("version", .number(String(snapshot.version))),
            JSONMember("history", history),
        ])
    }

    /// `POST /admin/cutover` `{"stages":[5,25,50,100],"hold_seconds":1200,"auto_rollback":true,"auto_promote":false,"reason":"…"}`
    /// (every key optional: `canary.*` fills the rest). Refused without a canary upstream.
    func start(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["strategy", "stages", "hold_seconds", "auto_rollback", "auto_promote", "reason"], optional: true) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        guard config.upstreamURL != nil else {
            return .error(status: 409, code: "CONFLICT", "no canary upstream: set canary.upstream.url (env CANARY_UPSTREAM_URL)")
        }
        if let strategy = body["strategy"], strategy.stringValue != "canary" {
            return .badRequest("\"strategy\" must be \"canary\"")
        }
        var stages: [Int]?
        if let value = body["stages"] {
            guard let items = value.arrayValue, let ints = Optional(items.compactMap { $0.int64Value.map(Int.init) }), ints.count == items.count else {
                return .badRequest("\"stages\" must be a list of whole percents such as [5, 25, 50, 100]")
            }
            stages = ints
        }
        var hold: Duration?
        if let value = body["hold_seconds"] {
            guard let seconds = value.int64Value, seconds > 0, seconds <= 7 * 86_400 else {
                return .badRequest("\"hold_seconds\" must be a whole number of seconds from 1 to 604800")
            }
            hold = .seconds(seconds)
        }
        var flags: [String: Bool] = [:]
        for key in ["auto_rollback", "auto_promote"] {
            guard let value = body[key] else { continue }
            guard case .bool(let flag) = value else { return .badRequest("\"\(key)\" must be true or false") }
            flags[key] = flag
        }
        let reason: String?
        switch body.text("reason", maxBytes: 1_000, required: false) {
        case .success(let text): reason = text
        case .failure(let reply): return reply
        }
        let plan = config.plan(stages: stages, hold: hold, autoRollback: flags["auto_rollback"], autoPromote: flags["auto_promote"])
        if case .failure(let problem) = plan.validated() { return .badRequest("\(problem)") }
        if let down = await probeCanary() {
            return .error(status: 409, code: "CONFLICT", "the canary upstream is not healthy, so the cutover does not start: \(down)")
        }
        let actor = call.identity.subject
        let now = engine.live.now
        let freeze = engine.freeze
        return await reply(engine.change(event: "start", actor: actor, detail: Self.reasonDetail(reason)) { state in
            state.start(plan, by: actor, atSeconds: now, freeze: freeze)
        })
    }

    func simple(_ call: AdminCall, event: String) async -> AdminReply {
        let reason: String?
        switch Self.reason(call) {
        case .success(let text): reason = text
        case .failure(let reply): return reply
        }
        let actor = call.identity.subject
        let now = engine.live.now
        let verdict = engine.lastVerdict
        let why = reason ?? "\(event) by \(actor)"
        let freeze = engine.freeze
        let required = engine.live.snapshot.state.requiredGates
        let gates = event == "promote" && !required.isEmpty ? await engine.gateStanding(required) : [:]
        let detail = JSONValue.object(
            [JSONMember("summary", engine.live.summary(verdict))] + (reason.map { [JSONMember("reason", .string($0))] } ?? [])
                + (gates.isEmpty ? [] : [JSONMember("gates", .object(gates.keys.sorted().map { JSONMember($0, .string(gates[$0] ?? "")) }))]))
        return await reply(engine.change(event: event, actor: actor, detail: detail) { state in
            switch event {
            case "promote": return state.promote(verdict: verdict, atSeconds: now, reason: why, freeze: freeze, gates: gates)
            case "pause": return state.pause(reason: why)
            default: return state.resume(atSeconds: now, reason: why)
            }
        })
    }

    /// `POST /admin/cutover/rollback` `{"to":"last-stable","confirm":true,"reason":"…"}`: always allowed.
    func rollback(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["to", "confirm", "reason"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        guard case .bool(true) = body["confirm"] ?? .null else {
            return .badRequest("a rollback needs \"confirm\": true")
        }
        if let to = body["to"], to.stringValue != "last-stable" { return .badRequest("\"to\" must be \"last-stable\"") }
        let reason: String
        switch body.text("reason", maxBytes: 1_000, required: false) {
        case .success(let text): reason = text ?? "rolled back by \(call.identity.subject)"
        case .failure(let reply): return reply
        }
        let state = engine.live.snapshot.state
        guard state.status == .running || state.status == .paused else {
            return .error(status: 409, code: "CONFLICT", CutoverState.Refusal.notRunning(state.status).description)
        }
        await engine.rollBack(reason: reason, kind: "manual", actor: call.identity.subject)
        return await status()
    }

    /// `POST /admin/cutover/approvals` `{"note":"…"}`: the caller signs off the current stage
    /// with one of the roles it still needs.
    func signOff(_ call: AdminCall) async -> AdminReply {
        switch RequestBody.parse(call, known: ["note"], optional: true) {
        case .success: break
        case .failure(let reply): return reply
        }
        let person = call.identity.subject
        let roles = call.identity.roles
        let now = engine.live.now
        return await reply(engine.change(event: "sign_off", actor: person) { state in
            state.signOff(by: person, roles: roles, atSeconds: now)
        })
    }

    /// `POST /admin/cutover/freeze-override` `{"reason":"…"}` (reason required): one of the
    /// two distinct approvers a start or promotion inside a freeze window needs; audited.
    func overrideFreeze(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["reason"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        switch body.text("reason", maxBytes: 1_000, required: true) {
        case .success: break
        case .failure(let reply): return reply
        }
        let person = call.identity.subject
        let now = engine.live.now
        let freeze = engine.freeze
        return await reply(engine.change(event: "freeze_override", actor: person, detail: body.object) { state in
            state.overrideFreeze(by: person, windows: freeze, atSeconds: now)
        })
    }

    /// `PUT /admin/cutover/kill-switch` `{"enable":false,"reason":"…"}`.
    func killSwitch(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["enable", "reason"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        guard case .bool(let enable) = body["enable"] ?? .null else { return .badRequest("\"enable\" must be true or false") }
        let reason: String
        switch body.text("reason", maxBytes: 1_000, required: true) {
        case .success(let text): reason = text ?? ""
        case .failure(let reply): return reply
        }
        let wasLive = engine.live.snapshot.state.weightPercent > 0
        if !enable { engine.live.rollBackLocally(reason: "kill switch: \(reason)") }
        let result = await engine.change(event: "kill_switch", actor: call.identity.subject) { state in
            .success(state.killSwitch(enable: enable, reason: reason))
        }
        if case .success = result {
            engine.live.clearLocalRollback()
            if !enable, wasLive { engine.metrics.rolledBack(reason: "kill_switch") }
        }
        return await reply(result)
    }

    func reply(_ result: Result<CutoverSnapshot, CutoverChangeError>) async -> AdminReply {
        switch result {
        case .success: return await status()
        case .failure(.refused(let refusal)): return .error(status: 409, code: "CONFLICT", refusal.description)
        case .failure(.database(let error)): return .database(error)
        case .failure(.other(let text)): return .unavailable(text)
        }
    }

    static func reason(_ call: AdminCall) -> Result<String?, AdminReply> {
        switch RequestBody.parse(call, known: ["reason"], optional: true) {
        case .success(let body): return body.text("reason", maxBytes: 1_000, required: false)
        case .failure(let reply): return .failure(reply)
        }
    }

    static func reasonDetail(_ reason: String?) -> JSONValue {
        .object(reason.map { [JSONMember("reason", .string($0))] } ?? [])
    }
}

/// Without Postgres the cutover has nowhere to keep its shared state: the routes say so.
public enum CutoverAdminUnavailable {
    public static var endpoints: [AdminEndpoint] {
        let reply = AdminReply.unavailable("the cutover needs Postgres for its shared state: set database.url (env DATABASE_URL)")
        return [
            ("GET", "/admin/cutover"), ("POST", "/admin/cutover"), ("POST", "/admin/cutover/promote"), ("POST", "/admin/cutover/pause"),
            ("POST", "/admin/cutover/resume"), ("POST", "/admin/cutover/rollback"), ("POST", "/admin/cutover/approvals"),
            ("PUT", "/admin/cutover/kill-switch"), ("POST", "/admin/cutover/freeze-override"),
        ].map { method, path in AdminEndpoint(method, path) { _ in reply } }
    }
}

extension CutoverState.SignOff {
    /// `{"person","role"}`, as the status reply and the stage summaries show a sign-off.
    var json: JSONValue {
        .object([JSONMember("person", .string(person)), JSONMember("role", .string(role))])
    }
}
