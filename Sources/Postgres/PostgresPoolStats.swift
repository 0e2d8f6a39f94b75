/// Pool counters for `/metrics` and readiness.
public struct PostgresPoolStats: Sendable {
    public let maxConnections: Int
    /// Connections created (each has a thread; it reconnects itself when its server connection dies).
    public let open: Int
    /// Connections neither leased nor running pipelined statements.
    public let idle: Int
    /// Connections leased or running pipelined statements.
    public let inUse: Int
    /// Pipelined statements queued or awaiting their result, over all connections.
    public let inFlight: Int
    /// Statements sent in a pipeline with others since start (a batch of one is not counted).
    public let pipelined: UInt64
    /// Callers waiting for a connection (or pipeline room) right now.
    public let waiting: Int
    /// Successful acquires (leases and routed statements) since start.
    public let acquired: UInt64
    /// Sum and maximum of the time callers waited to acquire.
    public let totalWait: Duration
    public let maxWait: Duration
    public let acquireTimeouts: UInt64
    /// Failed statements and acquires by error kind since start.
    public let errors: [PostgresError.Kind: UInt64]
}
