/// A fault a drill injects at a client's call site (SPEC §13, issue 18). The Postgres and Redis
/// clients ask their hook before each call and act the fault out as their own failure, so the
/// code above them meets exactly what a sick dependency would give it; the gateway's chaos book
/// answers the hook. It lives here so the clients know nothing of the chaos domain.
public enum CallFault: Sendable, Equatable {
    /// Wait this long, then make the call.
    case delay(milliseconds: Int)
    /// The dependency refuses the call with its own error: a Postgres SQLSTATE, a Redis error
    /// reply. `label` names the fault in the message.
    case error(code: String, label: String)
    /// The connection is cut before the call (Postgres: dropped and reconnected on next use;
    /// Redis: connection lost).
    case drop(label: String)
    /// No answer within the client's own timeout (Redis: the command timeout passes first).
    case timeout(label: String)
}

/// What a client asks before each call; nil: no fault. Called on the caller's task, so a
/// hook may read `CallScope.current`.
public struct CallFaultHook: Sendable {
    public let next: @Sendable () -> CallFault?

    public init(_ next: @escaping @Sendable () -> CallFault?) {
        self.next = next
    }
}

/// Whose call this is (tenant, operation, cutover arm), for faults scoped to some traffic.
/// The gateway sets it around each admission step and the forward while faults are in force;
/// background work (reconciler, pollers) runs with none, so only unscoped faults reach it.
public struct CallScope: Sendable, Equatable {
    public var tenant: String?
    public var operationType: String?
    public var rootFields: [String]
    public var arm: String?

    public init(tenant: String?, operationType: String?, rootFields: [String], arm: String?) {
        self.tenant = tenant
        self.operationType = operationType
        self.rootFields = rootFields
        self.arm = arm
    }

    @TaskLocal public static var current: CallScope?
}
