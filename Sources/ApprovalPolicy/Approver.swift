/// A person approving a four-eyes request, as identity knows them.
public struct Approver: Sendable, Equatable {
    public var id: String
    public var roles: [String]
    /// The approver's own tenant (decides whether a `team_lead` may approve).
    public var tenant: String?

    public init(id: String, roles: [String], tenant: String? = nil) {
        self.id = id
        self.roles = roles
        self.tenant = tenant
    }
}
