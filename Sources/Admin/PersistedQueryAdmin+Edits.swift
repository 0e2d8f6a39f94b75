import Kit
import Contract
import PersistedQueries

extension PersistedQueryAdmin {
    // MARK: POST /admin/persisted-queries/allowlist

    /// `{"hashes":[…],"action":"add|remove"}`, or an Apollo manifest merged into the
    /// allowlist (`?mode=replace` makes the allowlist exactly the manifest). A signed
    /// manifest sends its detached signature (the signature file's hex) in
    /// `X-Manifest-Signature`; with `pq.require_signature` an unsigned one is refused.
    func editAllowlist(_ call: AdminCall) async -> AdminReply {
        guard let store else {
            return .unavailable("the allowlist store is not configured (database.url and redis.url); nothing can be added")
        }
        let object: JSONValue
        switch call.jsonObject() {
        case .success(let value): object = value
        case .failure(let reply): return reply
        }
        if object["format"] != nil || object["operations"] != nil {
            return await loadManifest(call, store: store)
        }
        let known: Set<String> = ["hashes", "action"]
        if let unknown = object.objectMembers?.first(where: { !known.contains($0.key) }) {
            return .badRequest("unknown key \"\(unknown.key)\"; expected {\"hashes\":[…],\"action\":\"add|remove\"} or a manifest")
        }
        guard let action = object["action"]?.stringValue, action == "add" || action == "remove" else {
            return .badRequest("\"action\" must be \"add\" or \"remove\"")
        }
        guard let list = object["hashes"]?.arrayValue, !list.isEmpty else {
            return .badRequest("\"hashes\" must be a non-empty array of allowlist ids (SHA-256 hex, or opaque ids of 1–128 A-Z a-z 0-9 _ -)")
        }
        var hashes: [String] = []
        for item in list {
            guard let hash = item.stringValue else { return .badRequest("every entry of \"hashes\" must be a string") }
            hashes.append(hash)
        }
        do throws(AllowlistError) {
            let change = action == "add"
                ? try await store.add(hashes: hashes, source: "admin", addedBy: call.identity.subject)
                : try await store.remove(hashes: hashes)
            await recordEdit(call, action: "pq.allowlist.\(action)", details: .members([
                "hashes": .strings(change.changed), "published": .bool(change.published),
            ]))
            logger.notice("allowlist edited", metadata: [
                "admin.user": "\(call.identity.subject)", "pq.action": "\(action)",
                "pq.changed": "\(change.changed.count)", "pq.published": "\(change.published)",
            ])
            return AdminReply(json: .members([
                "action": .string(action),
                "changed": .strings(change.changed),
                "unchanged": .strings(change.unchanged),
                "published": .bool(change.published),
                "count": .int(store.count),
                "warnings": .strings(Self.opaqueIDWarnings(change.changed + change.unchanged)),
            ]))
        } catch {
            return Self.reply(for: error)
        }
    }

    private func loadManifest(_ call: AdminCall, store: AllowlistStore) async -> AdminReply {
        let mode: AllowlistLoadMode
        switch call.query["mode"] ?? "merge" {
        case "merge": mode = .merge
        case "replace": mode = .replace
        case let other: return .badRequest("mode must be merge or replace, not \"\(other)\"")
        }
        let signature = call.header("X-Manifest-Signature").map { Array($0.utf8) }
        let opened: OpenedManifest
        do {
            opened = try trust.open(manifest: call.body, signature: signature)
        } catch {
            return .badRequest("manifest refused: \(error)")
        }
        if mode == .replace && opened.manifest.operations.isEmpty {
            return .badRequest("an empty manifest in replace mode would empty the allowlist; remove hashes explicitly instead")
        }
        do throws(AllowlistError) {
            let result = try await store.load(manifest: opened.manifest, mode: mode, source: "admin", addedBy: call.identity.subject)
            await recordEdit(call, action: "pq.allowlist.manifest", details: .members([
                "mode": .string(mode.rawValue), "signed": .bool(opened.isSigned),
                "added": .strings(result.diff.added.map(\.id)), "removed": .strings(result.diff.removed.map(\.hash)),
            ]))
            logger.notice("allowlist manifest loaded", metadata: [
                "admin.user": "\(call.identity.subject)", "pq.mode": "\(mode.rawValue)",
                "pq.summary": "\(result.diff.summary)", "pq.signed": "\(opened.isSigned)",
            ])
            return AdminReply(json: .members([
                "mode": .string(mode.rawValue),
                "signed": .bool(opened.isSigned),
                "added": .strings(result.diff.added.map(\.id)),
                "removed": .strings(result.diff.removed.map(\.hash)),
                "drift": .array(result.diff.drift.map { drift in
                    .members([
                        "operation_name": .string(drift.operationName),
                        "live_hash": .string(drift.liveHash),
                        "manifest_hash": .string(drift.manifestHash),
                        "same_normalized_document": .bool(drift.sameNormalizedDocument),
                    ])
                }),
                "unchanged": .int(result.diff.unchanged),
                "published": .bool(result.published),
                "count": .int(store.count),
            ]))
        } catch {
            return Self.reply(for: error)
        }
    }

    /// The allowlist change is already in Postgres and Redis; an audit failure is logged loudly.
    private func recordEdit(_ call: AdminCall, action: String, details: JSONValue) async {
        guard let audit else { return }
        do {
            try await audit.record(
                action: action, actor: call.identity.subject, tenant: nil, correlationID: call.requestID, reason: nil, details: details)
        } catch {
            logger.error("allowlist change made but not audited", metadata: ["pq.action": "\(action)", "error": "\(error)"])
        }
    }

    /// What an operator must know about ids that are not document hashes (the rollout
    /// guide's `abc123def456`): they never match a document by its hash.
    static func opaqueIDWarnings(_ ids: [String]) -> [String] {
        ids.filter { !DocumentHash.isWellFormed($0) }.map { id in
            "\"\(id)\" is not a 64-hex SHA-256 document hash: it is an opaque id, matched only against the id a client sends "
                + "(extensions.persistedQuery.sha256Hash), and it admits a document only once a manifest gives its body"
        }
    }

    static func reply(for error: AllowlistError) -> AdminReply {
        if case .invalidHash = error { return .badRequest("\(error)") }
        return .unavailable("\(error)")
    }

    // MARK: PUT /admin/persisted-queries/phase

    /// `{"phase":"off|log|enforce","bypass":bool,"introspection":bool}`, any subset; with
    /// `"tenant":"t"` the phase is that tenant's own (`"phase":null` removes it).
    func setPhase(_ call: AdminCall) async -> AdminReply {
        let object: JSONValue
        switch call.jsonObject() {
        case .success(let value): object = value
        case .failure(let reply): return reply
        }
        let known: Set<String> = ["phase", "bypass", "introspection", "tenant"]
        if let unknown = object.objectMembers?.first(where: { !known.contains($0.key) }) {
            return .badRequest("unknown key \"\(unknown.key)\"; expected phase, bypass, introspection, tenant")
        }
        var phase: AllowlistPhase??
        if let value = object["phase"] {
            if value.isNull {
                phase = .some(nil)
            } else {
                guard let text = value.stringValue, let parsed = AllowlistPhase(rawValue: text) else {
                    return .badRequest("\"phase\" must be \"off\", \"log\" or \"enforce\"")
                }
                phase = parsed
            }
        }
        var bypass: Bool?
        if let value = object["bypass"] {
            guard let flag = value.boolValue else { return .badRequest("\"bypass\" must be true or false") }
            bypass = flag
        }
        var introspection: Bool?
        if let value = object["introspection"] {
            guard let flag = value.boolValue else { return .badRequest("\"introspection\" must be true or false") }
            introspection = flag
        }
        var tenant: String?
        if let value = object["tenant"] {
            guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= 128 else {
                return .badRequest("\"tenant\" must be a tenant id")
            }
            tenant = text
            guard phase != nil else { return .badRequest("with \"tenant\", give \"phase\" (or null to remove the tenant's own phase)") }
        } else if case .some(.none) = phase {
            return .badRequest("\"phase\": null only removes a tenant's own phase; name the \"tenant\"")
        }
        guard phase != nil || bypass != nil || introspection != nil else {
            return .badRequest("nothing to change: give phase, bypass or introspection")
        }
        if store == nil, case .some(.some(let wanted)) = phase, wanted != .off {
            return .badRequest("phase \(wanted.rawValue) needs the allowlist store (database.url and redis.url); without it every document is unlisted")
        }
        let change: (inout PersistedQueryPolicy) -> Void = { policy in
            if let tenant {
                policy.tenantPhases[tenant] = phase ?? nil
            } else if case .some(.some(let wanted)) = phase {
                policy.phase = wanted
            }
            if let bypass { policy.bypass = bypass }
            if let introspection { policy.introspectionAllowed = introspection }
        }
        // The record comes first: a security switch is not flipped unless it is audited.
        if let audit {
            var proposed = gate.policy
            change(&proposed)
            do {
                try await audit.record(
                    action: bypass == true ? "pq.bypass.set" : "pq.phase.set", actor: call.identity.subject, tenant: tenant,
                    correlationID: call.requestID, reason: nil,
                    details: .members(["previous": Self.policyJSON(gate.policy), "requested": Self.policyJSON(proposed)]))
            } catch {
                return .unavailable("the change was not made: it could not be audited (\(error))")
            }
        }
        let (old, new) = gate.updatePolicy(change)
        logger.notice("persisted-query policy changed", metadata: [
            "admin.user": "\(call.identity.subject)",
            "pq.phase": "\(old.phase.rawValue)→\(new.phase.rawValue)",
            "pq.bypass": "\(old.bypass)→\(new.bypass)",
            "pq.introspection": "\(old.introspectionAllowed)→\(new.introspectionAllowed)",
            "pq.tenant": "\(tenant ?? "-")",
        ])
        return AdminReply(json: .members(["previous": Self.policyJSON(old), "current": Self.policyJSON(new)]))
    }
}
