import Kit

/// The limits a fault request is checked against (`chaos.*`).
public struct FaultLimits: Sendable, Equatable {
    public var maxDelayMillis: Int
    public var maxTTLMinutes: Int
    /// Targets this gateway calls (Postgres only with `database.url`, Redis with `redis.url`).
    public var configuredTargets: Set<Fault.Target>

    public init(maxDelayMillis: Int, maxTTLMinutes: Int, configuredTargets: Set<Fault.Target>) {
        self.maxDelayMillis = maxDelayMillis
        self.maxTTLMinutes = maxTTLMinutes
        self.configuredTargets = configuredTargets
    }
}

/// A refused fault request, naming the field.
public struct FaultProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

extension Fault {
    /// `{"target":"upstream|postgres|redis","kind":"delay|abort|error|reset|timeout|truncate",
    /// "percent":10,"delay_ms":200,"status":503,"sqlstate":"53300","tenant":"demo","operation":"mutation","arm":"canary",
    /// "ttl_minutes":15,"reason":"…"}` (SPEC §13), checked field by field.
    public static func parse(
        _ body: JSONValue, id: String, by person: String, atMillis now: Int64, limits: FaultLimits
    ) throws(FaultProblem) -> Fault {
        guard let members = body.objectMembers else { throw FaultProblem("body", "must be a JSON object") }
        let known: Set<String> = ["target", "kind", "percent", "delay_ms", "status", "sqlstate", "tenant", "operation", "arm", "ttl_minutes", "reason"]
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            throw FaultProblem(unknown.key, "unknown field (known: \(known.sorted().joined(separator: ", ")))")
        }
        func text(_ key: String) throws(FaultProblem) -> String? {
            guard let value = body[key], !value.isNull else { return nil }
            guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= 200 else { throw FaultProblem(key, "must be a non-empty string") }
            return text
        }
        func integer(_ key: String) throws(FaultProblem) -> Int? {
            guard let value = body[key], !value.isNull else { return nil }
            guard let number = value.int64Value, let int = Int(exactly: number) else { throw FaultProblem(key, "must be a whole number") }
            return int
        }
        guard let targetText = try text("target") else { throw FaultProblem("target", "required: upstream, postgres or redis") }
        guard let target = Target(rawValue: targetText) else { throw FaultProblem("target", "unknown target \(targetText) (upstream, postgres, redis)") }
        guard limits.configuredTargets.contains(target) else {
            throw FaultProblem("target", "\(target.rawValue) is not configured on this gateway (\(target == .postgres ? "database.url" : target == .redis ? "redis.url" : "upstream.url") is not set)")
        }
        let kinds = Self.kinds(for: target).map(\.rawValue).joined(separator: ", ")
        guard let kindText = try text("kind") else { throw FaultProblem("kind", "required: one of \(kinds) for \(target.rawValue)") }
        guard let kind = Kind(rawValue: kindText), Self.kinds(for: target).contains(kind) else {
            throw FaultProblem("kind", "\(target.rawValue) faults are \(kinds), not \(kindText)")
        }
        let percent = try integer("percent") ?? 100
        guard (1...100).contains(percent) else { throw FaultProblem("percent", "must be 1–100, not \(percent)") }
        let delay = try integer("delay_ms") ?? 0
        if kind == .delay {
            guard (1...limits.maxDelayMillis).contains(delay) else {
                throw FaultProblem("delay_ms", "a delay must be 1–\(limits.maxDelayMillis) ms (chaos.max_delay_ms), not \(delay)")
            }
        } else if delay != 0 {
            throw FaultProblem("delay_ms", "only a delay fault has a delay")
        }
        let status = try integer("status") ?? (kind == .abort ? 503 : 500)
        guard (400...599).contains(status) else { throw FaultProblem("status", "must be an HTTP error status 400–599, not \(status)") }
        if body["status"].map({ !$0.isNull }) == true, target != .upstream || (kind != .abort && kind != .error) {
            throw FaultProblem("status", "only an upstream abort or error answers with a status")
        }
        var sqlState = try text("sqlstate")
        if target == .postgres && kind == .error {
            // 53300 too_many_connections: what an overloaded Postgres answers.
            sqlState = sqlState ?? "53300"
            guard let code = sqlState, code.utf8.count == 5, code.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) }) else {
                throw FaultProblem("sqlstate", "must be five digits or capital letters (a SQLSTATE such as 53300 or 40001)")
            }
        } else if sqlState != nil {
            throw FaultProblem("sqlstate", "only a Postgres error has a SQLSTATE")
        }
        guard let ttl = try integer("ttl_minutes") else { throw FaultProblem("ttl_minutes", "required: a fault expires by itself") }
        guard (1...limits.maxTTLMinutes).contains(ttl) else {
            throw FaultProblem("ttl_minutes", "must be 1–\(limits.maxTTLMinutes) (chaos.max_ttl_minutes), not \(ttl)")
        }
        guard let reason = try text("reason") else { throw FaultProblem("reason", "required (it goes to the audit log)") }
        let arm = try text("arm")
        if let arm, arm != "stable" && arm != "canary" { throw FaultProblem("arm", "must be stable or canary") }
        return Fault(
            id: id, target: target, kind: kind, percent: percent, delayMillis: delay, status: status, sqlState: sqlState, tenant: try text("tenant"),
            operation: try text("operation"), arm: arm, expiresAtMillis: now + Int64(ttl) * 60_000, createdBy: person, reason: reason)
    }
}
