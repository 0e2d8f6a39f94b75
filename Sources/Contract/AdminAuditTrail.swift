import Kit

/// Where admin changes are recorded (the hash-chained audit log, `Audit.AuditLog`).
/// A protocol here because the audit module builds on this one.
public protocol AdminAuditTrail: Sendable {
    func record(action: String, actor: String, tenant: String?, correlationID: String?, reason: String?, details: JSONValue) async throws
}
