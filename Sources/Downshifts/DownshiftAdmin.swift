import Contract
import Downshift
import Kit

/// `GET /admin/downshift` (the tier in force, manual and automatic, the budgets' burn, the
/// effects, the history) and `PUT /admin/downshift` `{"tier":3,"reason":"…","ttl_minutes":60}`
/// (SPEC §12), or `{"auto":true,"reason":"…"}` to hand the ladder back to the money burn.
/// A bad body is 400 naming the field, Postgres gone 503.
public struct DownshiftAdmin: Sendable {
    let engine: DownshiftEngine
    /// The synthetic checks' last results, shown beside the tier (nil: none configured).
    let synthetic: SyntheticChecks?

    public init(engine: DownshiftEngine, synthetic: SyntheticChecks? = nil) {
        self.engine = engine
        self.synthetic = synthetic
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/downshift") { _ in await self.status() },
            AdminEndpoint("PUT", "/admin/downshift") { call in await self.set(call) },
        ]
    }

    public static func unavailableEndpoints() -> [AdminEndpoint] {
        let reply = AdminReply.unavailable("the downshift tier lives in Postgres: database.url is not set")
        return [AdminEndpoint("GET", "/admin/downshift") { _ in reply }, AdminEndpoint("PUT", "/admin/downshift") { _ in reply }]
    }

    func status() async -> AdminReply {
        let now = engine.live.now
        let state = engine.live.snapshot.state
        let tier = state.tier(atSeconds: now)
        let policy = engine.live.table[tier]
        let history = (try? await engine.store?.history(limit: 20)) ?? []
        return AdminReply(json: .object([
            JSONMember("tier", .number(String(tier.rawValue))),
            JSONMember("tier_name", .string(tier.name)),
            JSONMember("since", .string(RFC3339.format(micros: state.tierSinceSeconds(atSeconds: now) * 1_000_000))),
            JSONMember("manual", state.activeManual(atSeconds: now).map { manual in .object([
                JSONMember("tier", .number(String(manual.tier.rawValue))), JSONMember("reason", .string(manual.reason)),
                JSONMember("set_by", .string(manual.setBy)),
                JSONMember("expires_at", manual.expiresAtSeconds.map { .string(RFC3339.format(micros: $0 * 1_000_000)) } ?? .null),
            ]) } ?? .null),
            JSONMember("automatic", .object([
                JSONMember("tier", .number(String(state.automatic.tier.rawValue))), JSONMember("reason", .string(state.automatic.reason)),
                JSONMember("leaving_after", state.automatic.lowSinceSeconds.map { .string(RFC3339.format(micros: $0 * 1_000_000)) } ?? .null),
                JSONMember("escalation_blocked", .bool(engine.escalationBlocked.load(ordering: .relaxed))),
            ])),
            JSONMember("budgets", .array(engine.readings.map { reading in .object([
                JSONMember("budget", .string(reading.name)),
                JSONMember("spent_usd", reading.burn.map { MicroDollars.json($0.spentMicros) } ?? .null),
                JSONMember("limit_usd", reading.burn.map { MicroDollars.json($0.limitMicros) } ?? .null),
                JSONMember("burn_per_mille", reading.burn.map { .number(String($0.actualPerMille)) } ?? .null),
                JSONMember("projected_per_mille", reading.burn.map { .number(String($0.projectedPerMille)) } ?? .null),
                JSONMember("problem", reading.problem.map(JSONValue.string) ?? .null),
            ]) })),
            JSONMember("effects", Self.json(policy)),
            JSONMember("synthetic_checks", .array((synthetic?.results ?? []).map { result in .object([
                JSONMember("check", .string(result.check)), JSONMember("priority", .number(String(result.priority))),
                JSONMember("tier", .number(String(result.tier.rawValue))), JSONMember("status", result.status.map { .number(String($0)) } ?? .null),
                JSONMember("ok", .bool(result.ok)), JSONMember("detail", .string(result.detail)),
            ]) })),
            JSONMember("history", .array(history)),
        ]))
    }

    static func json(_ policy: TierPolicy) -> JSONValue {
        .object([
            JSONMember("refuse_tags", .array(policy.refuseTags.sorted().map(JSONValue.string))),
            JSONMember("cache_only_tags", .array(policy.cacheOnlyTags.sorted().map(JSONValue.string))),
            JSONMember("lowest_priority", .string("P\(policy.lowestPriority)")),
            JSONMember("rate_factor_per_mille", .number(String(policy.rateFactorPerMille))),
            JSONMember("max_llm_tokens", policy.maxLLMTokens.map { .number(String($0)) } ?? .null),
            JSONMember("max_hops", policy.maxHops.map { .number(String($0)) } ?? .null),
            JSONMember("forward_tier", .bool(policy.forwardTier)),
            JSONMember("protect_new_tenants", .bool(policy.protectNewTenants)),
        ])
    }

    func set(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["tier", "reason", "ttl_minutes", "auto"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        let reason: String
        switch body.text("reason", maxBytes: 1_000, required: true) {
        case .success(let text?): reason = text
        case .success(nil): return .badRequest("\"reason\" is required")
        case .failure(let reply): return reply
        }
        let actor = call.identity.subject
        let now = engine.live.now
        let result: Result<DownshiftStore.Snapshot?, DownshiftChangeError>
        if case .bool(true) = body["auto"] ?? .null {
            guard body["tier"] == nil else { return .badRequest("give \"tier\" or \"auto\":true, not both") }
            result = await engine.change(event: "auto_resume", actor: actor, detail: .object([JSONMember("reason", .string(reason))])) { state in
                .success(state.returningToAutomatic())
            }
        } else {
            guard let tierValue = body["tier"], let tier = tierValue.int64Value else {
                return .badRequest("\"tier\" must be an integer 0–6 (or send \"auto\":true)")
            }
            var ttl: Int64?
            if let value = body["ttl_minutes"], !value.isNull {
                guard let minutes = value.int64Value else { return .badRequest("\"ttl_minutes\" must be a whole number of minutes") }
                ttl = minutes
            }
            let maxTTL = engine.maxTTLMinutes
            let minutes = ttl
            result = await engine.change(event: "set", actor: actor, detail: .object([
                JSONMember("tier", .number(String(tier))), JSONMember("ttl_minutes", ttl.map { .number(String($0)) } ?? .null),
            ])) { state in
                state.setting(tier: Int(clamping: tier), reason: reason, by: actor, ttlMinutes: minutes, maxTTLMinutes: maxTTL, atSeconds: now).map { $0 }
            }
        }
        switch result {
        case .failure(.refused(let refusal)): return .badRequest("\(refusal)")
        case .failure(.unavailable(let why)): return .unavailable(why)
        case .success: return await status()
        }
    }
}
