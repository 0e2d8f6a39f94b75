/// Who is calling: established by `Authenticator` once per request.
public struct Identity: Sendable, Equatable {
    /// How the identity was established.
    public enum Source: String, Sendable, Equatable {
        /// A verified bearer token.
        case jwt
        /// `X-Tenant` / `X-User-Id` / `X-Roles` trusted as sent.
        case headers
        /// An unauthenticated admin call from loopback with `admin.loopback_operator` on.
        case loopbackOperator
    }

    /// The user id (`sub`, `X-User-Id`, or `local-operator`).
    public let subject: String
    /// The tenant the caller acts for; `*` for the loopback operator, whose admin calls
    /// are not scoped to one tenant.
    public let tenant: String
    public let roles: Set<String>
    public let source: Source

    public init(subject: String, tenant: String, roles: Set<String>, source: Source) {
        self.subject = subject
        self.tenant = tenant
        self.roles = roles
        self.source = source
    }

    /// The audited operator an unauthenticated loopback admin call becomes (SPEC §3).
    public static let loopbackOperator = Identity(
        subject: "local-operator",
        tenant: "*",
        roles: [Role.admin, Role.financeAdmin],
        source: .loopbackOperator
    )

    /// Whether the caller holds `role`.
    public func hasRole(_ role: String) -> Bool {
        roles.contains(role)
    }
}

/// The role names the admin API and the approval flow know (SPEC §2 four-eyes, §3).
public enum Role {
    public static let admin = "admin"
    public static let financeAdmin = "finance_admin"
    public static let securityAdmin = "security_admin"
    public static let seniorAnalyst = "senior_analyst"
    /// May approve for their own tenant only (checked by the approval flow, which knows the tenant).
    public static let teamLead = "team_lead"
    /// Runs releases: starts, promotes and rolls back cutovers (seed 003's stage 1 owner).
    public static let sre = "sre"
    /// Seed 003's stage 2 owners, with the tech lead.
    public static let productOwner = "product_owner"
    public static let techLead = "tech_lead"
    /// Seed 004's go/no-go sign-offs: the release lead, support (comms templates staged),
    /// and QE, who confirms a load-test result (gate G5's human confirmation).
    public static let releaseLead = "release_lead"
    public static let supportLead = "support_lead"
    public static let qe = "qe"
}
