import Contract
import Identity
import Kit

/// `POST /admin/ui/actions/{action}`: the page's script sends its form's fields as JSON with
/// `X-CSRF-Token`. Refused (403) without a valid token for the same person, from another
/// origin (`Origin` not this `Host`), or when the browser says the call is cross-site
/// (`Sec-Fetch-Site`). Each action is one API call; the answer is `{"ok","message"}`.
extension AdminUI {
    func act(_ call: AdminCall) async -> AdminReply {
        if let refusal = Self.crossOrigin(call) { return Self.answer(403, ok: false, refusal) }
        if let problem = csrf.problem(call.header("X-CSRF-Token"), subject: call.identity.subject, roles: call.identity.roles.sorted()) {
            return Self.answer(403, ok: false, problem)
        }
        let fields: JSONValue
        switch call.jsonObject() {
        case .success(let value): fields = value
        case .failure(let reply): return Self.relay(reply, done: "")
        }
        func text(_ key: String) -> String { fields[key]?.stringValue ?? "" }
        func segment(_ key: String) -> String? {
            let value = text(key)
            // An id goes into a path: only the characters ids are made of.
            guard !value.isEmpty, value.utf8.count <= 128, value.utf8.allSatisfy({ Self.idBytes.contains($0) }) else { return nil }
            return value
        }
        let action = call.parameters["action"] ?? ""
        switch action {
        case "override.create":
            guard let multiplier = Self.number(text("budget_multiplier")), let hours = Self.number(text("expires_hours")) else {
                return Self.answer(400, ok: false, "choose a multiplier and a duration")
            }
            let reply = await inner("POST", "/admin/budget/override", body: .object([
                JSONMember("tenant_id", .string(text("tenant_id"))), JSONMember("budget_multiplier", .number(multiplier)),
                JSONMember("expires_hours", .number(hours)), JSONMember("note", .string(text("note"))),
            ]), as: call)
            let pending = reply.json?["status"]?.stringValue == "pending_approval"
            return Self.relay(reply, done: pending ? "override requested: it waits for a second finance_admin" : "override active")
        case "override.approve", "override.extend", "override.revoke":
            guard let id = segment("id") else { return Self.answer(400, ok: false, "which override?") }
            switch action {
            case "override.approve":
                return Self.relay(await inner("POST", "/admin/budget/overrides/\(id)/approve", body: .object([]), as: call), done: "override approved")
            case "override.extend":
                guard let hours = Self.number(text("hours")) else { return Self.answer(400, ok: false, "extend by how many hours?") }
                return Self.relay(
                    await inner("POST", "/admin/budget/overrides/\(id)/extend", body: .object([JSONMember("hours", .number(hours))]), as: call),
                    done: "override extended by \(hours) h")
            default:
                return Self.relay(await inner("DELETE", "/admin/budget/overrides/\(id)", as: call), done: "override revoked")
            }
        case "approval.approve", "approval.reject":
            guard let id = segment("id") else { return Self.answer(400, ok: false, "which request?") }
            let verdict = action == "approval.approve" ? "approve" : "reject"
            var body: [JSONMember] = []
            if !text("note").isEmpty { body.append(JSONMember("note", .string(text("note")))) }
            return Self.relay(
                await inner("POST", "/admin/approvals/\(id)/\(verdict)", body: .object(body), as: call),
                done: verdict == "approve" ? "approved \(id)" : "rejected \(id)")
        case "cutover.rollback":
            return Self.relay(await inner("POST", "/admin/cutover/rollback", body: .object([
                JSONMember("to", .string("last-stable")), JSONMember("confirm", .bool(true)), JSONMember("reason", .string(text("reason"))),
            ]), as: call), done: "rolled back")
        case "cutover.kill-switch":
            let enable = text("enable") == "true"
            return Self.relay(await inner("PUT", "/admin/cutover/kill-switch", body: .object([
                JSONMember("enable", .bool(enable)), JSONMember("reason", .string(text("reason"))),
            ]), as: call), done: enable ? "kill switch released" : "kill switch engaged")
        case "downshift.set":
            guard let tier = Self.number(text("tier")), !tier.contains(".") else { return Self.answer(400, ok: false, "choose a tier 0–6") }
            var body = [JSONMember("tier", .number(tier)), JSONMember("reason", .string(text("reason")))]
            if let minutes = Self.number(text("ttl_minutes")) { body.append(JSONMember("ttl_minutes", .number(minutes))) }
            return Self.relay(await inner("PUT", "/admin/downshift", body: .object(body), as: call), done: "tier \(tier) set")
        case "downshift.auto":
            return Self.relay(await inner("PUT", "/admin/downshift", body: .object([
                JSONMember("auto", .bool(true)), JSONMember("reason", .string(text("reason"))),
            ]), as: call), done: "the automatic rules decide the tier again")
        case "chaos.create":
            var body: [JSONMember] = [
                JSONMember("target", .string(text("target"))), JSONMember("kind", .string(text("kind"))),
                JSONMember("reason", .string(text("reason"))),
            ]
            for key in ["percent", "delay_ms", "ttl_minutes"] {
                if let number = Self.number(text(key)) { body.append(JSONMember(key, .number(number))) }
            }
            for key in ["tenant", "operation"] where !text(key).isEmpty { body.append(JSONMember(key, .string(text(key)))) }
            return Self.relay(await inner("POST", "/admin/chaos/faults", body: .object(body), as: call), done: "fault injected")
        case "chaos.clear":
            let path = segment("id").map { "/admin/chaos/faults/\($0)" } ?? "/admin/chaos/faults"
            return Self.relay(await inner("DELETE", path, as: call), done: "faults cleared")
        default:
            return Self.answer(404, ok: false, "no UI action \(action)")
        }
    }

    static let idBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)

    /// A form's number field, kept as text (exact): digits with at most one point.
    static func number(_ text: String) -> String? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !text.isEmpty, text.utf8.count <= 12, parts.count <= 2,
              parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (48...57).contains($0) } }) else { return nil }
        return text
    }

    /// Why this call is not from a page of this gateway, if it is not.
    static func crossOrigin(_ call: AdminCall) -> String? {
        if let site = call.header("Sec-Fetch-Site")?.lowercased(), site != "same-origin" {
            return "cross-site request refused (Sec-Fetch-Site: \(site))"
        }
        guard let origin = call.header("Origin") else { return nil }
        guard let host = call.header("Host"), origin == "http://" + host || origin == "https://" + host else {
            return "cross-origin request refused (Origin \(origin))"
        }
        return nil
    }

    /// The API's answer as the script reads it: ok and what happened, or the API's own message.
    static func relay(_ reply: AdminReply, done: String) -> AdminReply {
        if (200..<300).contains(reply.status) { return answer(reply.status, ok: true, done) }
        let message = reply.json?["errors"]?.arrayValue?.first?["message"]?.stringValue ?? "HTTP \(reply.status)"
        return answer(reply.status, ok: false, message)
    }

    static func answer(_ status: Int, ok: Bool, _ message: String) -> AdminReply {
        var reply = AdminReply(status: status, json: .object([JSONMember("ok", .bool(ok)), JSONMember("message", .string(message))]))
        reply.headers = UIPage.securityHeaders
        return reply
    }
}
