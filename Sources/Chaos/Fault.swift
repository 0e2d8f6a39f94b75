import Kit

/// One injected fault (SPEC §13): where (`target`), what (`kind`), for which share of the
/// traffic and which requests, until when. Faults are drills: they expire by themselves.
public struct Fault: Sendable, Equatable {
    public enum Target: String, Sendable, CaseIterable {
        case upstream, postgres, redis
    }

    public enum Kind: String, Sendable, CaseIterable {
        /// Wait `delayMillis` before the call.
        case delay
        /// Answer `status` without making the call (the call never happened).
        case abort
        /// The dependency answers with an error (upstream: `status`).
        case error
        /// The connection is cut (upstream: the client sees a reset; Postgres: the connection
        /// is dropped; Redis: connection lost).
        case reset
        /// Redis: no reply within the command timeout (the caller waits it out first).
        case timeout
        /// Upstream: the response breaks off halfway through its body.
        case truncate
    }

    /// The kinds each target's call site can act out.
    public static func kinds(for target: Target) -> [Kind] {
        switch target {
        case .upstream: [.delay, .abort, .error, .reset, .truncate]
        case .postgres: [.delay, .error, .reset]
        case .redis: [.delay, .error, .reset, .timeout]
        }
    }

    public var id: String
    public var target: Target
    public var kind: Kind
    /// 1…100: the share of matching calls that get the fault, spread evenly.
    public var percent: Int
    public var delayMillis: Int
    public var status: Int
    /// Postgres `error`: the SQLSTATE the call fails with.
    public var sqlState: String?
    /// Only this tenant's calls, when set.
    public var tenant: String?
    /// Only this GraphQL operation type or root field, when set (`mutation`, `createEntity`).
    public var operation: String?
    /// Only this cutover arm (`stable`, `canary`), when set.
    public var arm: String?
    public var expiresAtMillis: Int64
    public var createdBy: String
    public var reason: String

    public init(
        id: String, target: Target, kind: Kind, percent: Int, delayMillis: Int = 0, status: Int = 503, sqlState: String? = nil, tenant: String? = nil,
        operation: String? = nil, arm: String? = nil, expiresAtMillis: Int64, createdBy: String, reason: String
    ) {
        self.id = id
        self.target = target
        self.kind = kind
        self.percent = percent
        self.delayMillis = delayMillis
        self.status = status
        self.sqlState = sqlState
        self.tenant = tenant
        self.operation = operation
        self.arm = arm
        self.expiresAtMillis = expiresAtMillis
        self.createdBy = createdBy
        self.reason = reason
    }

    /// Whether this fault applies to a call with these facts.
    public func matches(_ call: FaultedCall) -> Bool {
        guard call.target == target else { return false }
        if call.background, tenant != nil || operation != nil || arm != nil { return false }
        if let tenant, call.tenant != tenant { return false }
        if let operation, call.operationType != operation, !call.rootFields.contains(operation) { return false }
        if let arm, (call.arm ?? "stable") != arm { return false }
        return true
    }

    public var json: JSONValue {
        .object([
            JSONMember("id", .string(id)),
            JSONMember("target", .string(target.rawValue)),
            JSONMember("kind", .string(kind.rawValue)),
            JSONMember("percent", .number(String(percent))),
            JSONMember("delay_ms", .number(String(delayMillis))),
            JSONMember("status", .number(String(status))),
            JSONMember("sqlstate", sqlState.map(JSONValue.string) ?? .null),
            JSONMember("tenant", tenant.map(JSONValue.string) ?? .null),
            JSONMember("operation", operation.map(JSONValue.string) ?? .null),
            JSONMember("arm", arm.map(JSONValue.string) ?? .null),
            JSONMember("expires_at", .string(RFC3339.format(epochMilliseconds: expiresAtMillis))),
            JSONMember("created_by", .string(createdBy)),
            JSONMember("reason", .string(reason)),
        ])
    }
}

extension Fault {
    /// This fault as the Postgres or Redis client acts it out.
    public var callFault: CallFault {
        let label = "chaos fault \(id)"
        switch kind {
        case .delay: return .delay(milliseconds: delayMillis)
        case .reset: return .drop(label: label)
        case .timeout: return .timeout(label: label)
        case .abort, .error, .truncate: return .error(code: sqlState ?? "ERR", label: label)
        }
    }
}

/// The facts of one call a fault may match.
public struct FaultedCall: Sendable {
    public var target: Fault.Target
    public var tenant: String?
    public var operationType: String?
    public var rootFields: [String]
    public var arm: String?
    /// Work on no request's behalf (reconciler, pollers): only unscoped faults reach it.
    public var background = false

    public init(target: Fault.Target, tenant: String?, operationType: String?, rootFields: [String], arm: String?) {
        self.target = target
        self.tenant = tenant
        self.operationType = operationType
        self.rootFields = rootFields
        self.arm = arm
    }

    /// A client call on behalf of `scope` (nil: background work, matched by unscoped faults only).
    public init(target: Fault.Target, scope: CallScope?) {
        self.init(target: target, tenant: scope?.tenant, operationType: scope?.operationType, rootFields: scope?.rootFields ?? [], arm: scope?.arm)
        background = scope == nil
    }
}
