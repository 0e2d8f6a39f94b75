import Contract
import Postgres
import Foundation

extension ApprovalAdmin {
    // MARK: POST /admin/policy/emergency-override

    /// `{"reason":"…","ttl_minutes":120}` (`ttl_minutes` 1–120, default 120; `expires_hours`
    /// up to 2 is accepted too, as the budget override spells it). The reason is required.
    func createOverride(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["reason", "note", "ttl_minutes", "expires_hours"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        var reason: String?
        for key in ["reason", "note"] {
            switch body.text(key, maxBytes: 2_000, required: false) {
            case .success(let value?): reason = value
            case .success(nil): break
            case .failure(let reply): return reply
            }
        }
        guard let reason else { return .badRequest("\"reason\" is required: say why the four-eyes policy is relaxed") }
        let minutes: Int64
        switch Self.minutes(body) {
        case .success(let value): minutes = value
        case .failure(let reply): return reply
        }
        do {
            let override = try await overrides.create(
                reason: reason, minutes: minutes, actor: call.identity.subject, correlationID: call.requestID)
            emergency.set(override)
            metrics.emergencyOverrideCreated()
            metrics.emergencyOverride(active: true)
            logger.warning("emergency policy override on", metadata: [
                "request.id": "\(call.requestID)", "admin.user": "\(call.identity.subject)", "override.id": "\(override.id)",
                "override.expires_at": "\(override.expiresAt)", "override.reason": "\(reason)",
            ])
            return AdminReply(status: 201, json: override.json(nowMicros: EmergencyOverride.nowMicros()))
        } catch {
            return AdminReply.from(error)
        }
    }

    static func minutes(_ body: RequestBody) -> Result<Int64, AdminReply> {
        let max = EmergencyOverride.maxLifetimeMinutes
        if body["ttl_minutes"] != nil && body["expires_hours"] != nil {
            return .failure(.badRequest("send \"ttl_minutes\" or \"expires_hours\", not both"))
        }
        if let value = body["ttl_minutes"], !value.isNull {
            guard let minutes = value.int64Value else { return .failure(.badRequest("\"ttl_minutes\" must be a whole number")) }
            guard (1...max).contains(minutes) else {
                return .failure(.badRequest("\"ttl_minutes\" must be 1–\(max): an emergency policy override lasts at most 2 hours"))
            }
            return .success(minutes)
        }
        if let value = body["expires_hours"], !value.isNull {
            guard let hours = value.int64Value else { return .failure(.badRequest("\"expires_hours\" must be a whole number")) }
            guard (1...max / 60).contains(hours) else {
                return .failure(.badRequest("\"expires_hours\" must be 1 or 2: an emergency policy override lasts at most 2 hours"))
            }
            return .success(hours * 60)
        }
        return .success(max)
    }

    // MARK: GET /admin/policy/emergency-override

    func showOverrides(_ call: AdminCall) async -> AdminReply {
        if let unknown = call.query.keys.first {
            return .badRequest("unknown query parameter \"\(unknown)\"")
        }
        do {
            let now = EmergencyOverride.nowMicros()
            let live = try await overrides.live()
            emergency.set(live)
            let recent = try await overrides.recent(limit: 20)
            return AdminReply(json: .members([
                "active": .bool(live?.isActive(atMicros: now) ?? false),
                "emergency_override": live.map { $0.json(nowMicros: now) } ?? .null,
                "recent": .array(recent.map { $0.json(nowMicros: now) }),
                "max_ttl_minutes": .int(EmergencyOverride.maxLifetimeMinutes),
            ]))
        } catch {
            return AdminReply.database(error)
        }
    }

    // MARK: DELETE /admin/policy/emergency-override/{id}

    func revokeOverride(_ call: AdminCall) async -> AdminReply {
        guard let text = call.parameters["id"], let id = UUID(uuidString: text) else {
            return .badRequest("the emergency override id must be a UUID")
        }
        do {
            guard let revoked = try await overrides.revoke(id, actor: call.identity.subject, correlationID: call.requestID) else {
                return AdminReply.notFound("no live emergency override \(text.lowercased())")
            }
            emergency.set(try await overrides.live())
            metrics.emergencyOverride(active: emergency.isActive())
            logger.notice("emergency policy override revoked", metadata: [
                "request.id": "\(call.requestID)", "admin.user": "\(call.identity.subject)", "override.id": "\(revoked.id)",
            ])
            return AdminReply(json: revoked.json(nowMicros: EmergencyOverride.nowMicros()))
        } catch {
            return AdminReply.from(error)
        }
    }
}
