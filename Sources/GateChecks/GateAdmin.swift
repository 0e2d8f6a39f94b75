import Audit
import Contract
import Gates
import Kit
import Logging
import Postgres

/// `GET /admin/gates` (the newest `gate validate` run, as it printed) and
/// `POST /admin/gates/approvals` `{"gate":"G8","release":"v…","note":"…","role":"…"}`
/// (SPEC §11): a person's sign-off in one of their roles, audited.
public struct GateAdmin: Sendable {
    let pool: PostgresPool
    let logger: Logger

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    public var endpoints: [AdminEndpoint] {
        [
            AdminEndpoint("GET", "/admin/gates") { _ in await self.latest() },
            AdminEndpoint("POST", "/admin/gates/approvals") { call in await self.signOff(call) },
        ]
    }

    /// The routes when no database is configured: 503, saying so.
    public static func unavailableEndpoints() -> [AdminEndpoint] {
        let reply = AdminReply.unavailable("gate runs and sign-offs live in Postgres: database.url is not set")
        return [
            AdminEndpoint("GET", "/admin/gates") { _ in reply },
            AdminEndpoint("POST", "/admin/gates/approvals") { _ in reply },
        ]
    }

    func latest() async -> AdminReply {
        let stored: GateRunStore.Stored?
        do {
            stored = try await GateRunStore(pool: pool).latest()
        } catch {
            return .unavailable("cannot read gate runs: \(error.message)")
        }
        guard let stored else {
            return AdminReply(json: .object([JSONMember("run", .null), JSONMember("message", .string("no gate run yet: safemut gate validate --all"))]))
        }
        let run: JSONValue = (try? JSONValue.parse(stored.results)) ?? .null
        return AdminReply(json: .object([
            JSONMember("run_id", .number(String(stored.id))),
            JSONMember("run_at", .string(RFC3339.format(micros: stored.runAtMicros))),
            JSONMember("audit_seq", stored.auditSeq.map { .number(String($0)) } ?? .null),
            JSONMember("overall", .string(stored.overall.rawValue)),
            JSONMember("run", run),
        ]))
    }

    func signOff(_ call: AdminCall) async -> AdminReply {
        let body: RequestBody
        switch RequestBody.parse(call, known: ["gate", "release", "note", "role"]) {
        case .success(let parsed): body = parsed
        case .failure(let reply): return reply
        }
        let gate: String
        let release: String
        let note: String
        let askedRole: String?
        switch (body.text("gate", maxBytes: 32, required: true), body.text("release", maxBytes: 128, required: true),
                body.text("note", maxBytes: 2_000, required: false), body.text("role", maxBytes: 64, required: false)) {
        case (.success(let g?), .success(let r?), .success(let n), .success(let role)):
            gate = g
            release = r
            note = n ?? ""
            askedRole = role
        case (.failure(let reply), _, _, _), (_, .failure(let reply), _, _), (_, _, .failure(let reply), _), (_, _, _, .failure(let reply)):
            return reply
        default:
            return .badRequest("\"gate\" and \"release\" are required")
        }
        guard gate.utf8.allSatisfy(\.isGateIDByte) else { return .badRequest("\"gate\" must be a gate id such as G8") }
        let roles = call.identity.roles
        let role: String
        if let askedRole {
            guard roles.contains(askedRole) else { return .forbidden("you do not hold the role \(askedRole)") }
            role = askedRole
        } else {
            // Which roles may sign at all is the route's role table (AdminAccess); a caller
            // holding several says which one this sign-off is in.
            guard roles.count == 1, let only = roles.first else {
                return .badRequest("you hold \(roles.count) roles (\(roles.sorted().joined(separator: ", "))): say which this sign-off is in with \"role\"")
            }
            role = only
        }
        let person = call.identity.subject
        let signOff = GateSignOff(gate: gate, release: release, person: person, role: role, note: note, signedAtMicros: 0)
        let audit = AuditLog(pool: pool)
        let store = GateSignOffStore(pool: pool)
        do {
            let at = try await pool.transaction { session in
                let at = try await store.record(signOff, in: session)
                _ = try await audit.append(AuditEntry(
                    action: "gate.sign_off", actor: person, correlationID: call.requestID, reason: note.isEmpty ? nil : note,
                    details: .object([
                        JSONMember("gate", .string(gate)), JSONMember("release", .string(release)), JSONMember("role", .string(role)),
                    ])), in: session)
                return at
            }
            var recorded = signOff
            recorded.signedAtMicros = at
            return AdminReply(status: 201, json: .object([
                JSONMember("gate", .string(gate)), JSONMember("release", .string(release)), JSONMember("sign_off", recorded.json),
            ]))
        } catch {
            logger.error("gate sign-off failed", metadata: ["error": "\(error)"])
            return .unavailable("cannot record the sign-off: \(error)")
        }
    }
}
