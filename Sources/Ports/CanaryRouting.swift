import Cutover

/// The canary step's port: which arm a request goes to while a cutover routes traffic,
/// and the judge that hears how each such request ended. `CutoverLive` (Cutovers, on the
/// shared state in Postgres and Redis) implements it.
public protocol CanaryRouting: Sendable {
    /// Roles whose requests may force an arm with `X-Canary` (`canary.force_roles`).
    var forceRoles: Set<String> { get }
    /// The arm of this request; nil when no cutover routes traffic (weight 0, nothing to
    /// judge: the request goes to stable and is not observed).
    func route(tenant: String?, forced: Arm?) -> Arm?
    /// GraphQL error codes that are a security violation on the canary.
    var securityCodes: Set<String> { get }
    /// Counts one finished request for the judge.
    func observe(_ observation: ArmObservation)
}

/// How one routed request ended, as the judge counts it.
public struct ArmObservation: Sendable, Equatable {
    public var arm: Arm
    public var tenant: String?
    public var rootFields: [String]
    public var latencyMicros: Int64
    /// A 5xx answer or a failed exchange.
    public var error: Bool
    /// `extensions.cost` of the answer, when it reported one.
    public var costMicros: Int64?
    /// The answer carried another tenant's id or a code of `canary.security_codes`.
    public var securityViolation: Bool

    public init(arm: Arm, tenant: String?, rootFields: [String], latencyMicros: Int64, error: Bool, costMicros: Int64?, securityViolation: Bool) {
        self.arm = arm
        self.tenant = tenant
        self.rootFields = rootFields
        self.latencyMicros = latencyMicros
        self.error = error
        self.costMicros = costMicros
        self.securityViolation = securityViolation
    }
}
