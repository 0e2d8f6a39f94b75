import Kit

/// One stored row of `audit_log`, chain fields included.
public struct AuditRecord: Sendable, Equatable {
    public var seq: Int64
    /// Microseconds since the epoch (the precision the chain hashes).
    public var createdAtMicros: Int64
    public var action: String
    public var details: JSONValue
    public var reason: String?
    /// Who did it (`created_by`): a user id, `local-operator`, or a worker name.
    public var createdBy: String
    public var tenant: String?
    public var correlationID: String?
    public var prevHash: [UInt8]
    public var hash: [UInt8]

    /// `created_at` as RFC 3339 with microseconds.
    public var createdAt: String { RFC3339.format(micros: createdAtMicros) }
}
