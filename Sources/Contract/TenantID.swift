import Identity

/// The shape of a tenant id, the same rule as identities (`[A-Za-z0-9._:-]{1,128}`): tenants
/// end up in Redis keys, metric labels and logs, so the admin API accepts no other.
public enum TenantID {
    public static let maxBytes = IdentifierRules.tenantMaxBytes

    /// The reason `text` is not a tenant id, or nil (Identity's own rule for tenants).
    public static func problem(_ text: String) -> String? {
        IdentifierRules.tenantProblem(text)
    }
}
