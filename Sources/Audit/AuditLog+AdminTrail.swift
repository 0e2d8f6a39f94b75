import Kit
import Contract

extension AuditLog: AdminAuditTrail {
    public func record(
        action: String, actor: String, tenant: String?, correlationID: String?, reason: String?, details: JSONValue
    ) async throws {
        try await append(AuditEntry(
            action: action, actor: actor, tenant: tenant, correlationID: correlationID, reason: reason, details: details))
    }
}
