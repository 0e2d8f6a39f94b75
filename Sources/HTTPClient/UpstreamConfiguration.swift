import Sockets

/// Where and how to reach the upstream (`UPSTREAM_URL`, parsed and checked by Config).
public struct UpstreamConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Path prefix from the URL (empty or e.g. `/api`), prepended to forwarded targets.
    public var basePath: String
    /// Idle keep-alive connections kept per event loop.
    public var maxIdlePerLoop: Int
    /// Open upstream connections allowed per event loop (idle + busy).
    public var maxConnectionsPerLoop: Int
    public var connectTimeoutNanos: UInt64
    /// Longest silence while waiting for or reading the response.
    public var readTimeoutNanos: UInt64
    /// Requests waiting for a free connection, per loop, before failing fast.
    public var maxWaiters: Int

    public init(
        host: String,
        port: Int,
        basePath: String = "",
        maxIdlePerLoop: Int = 64,
        maxConnectionsPerLoop: Int = 256,
        connectTimeoutMs: Int = 1000,
        readTimeoutMs: Int = 30_000,
        maxWaiters: Int = 4096
    ) {
        self.host = host
        self.port = port
        self.basePath = basePath
        self.maxIdlePerLoop = maxIdlePerLoop
        self.maxConnectionsPerLoop = maxConnectionsPerLoop
        self.connectTimeoutNanos = UInt64(max(1, connectTimeoutMs)) * 1_000_000
        self.readTimeoutNanos = UInt64(max(1, readTimeoutMs)) * 1_000_000
        self.maxWaiters = maxWaiters
    }

    /// The Host header sent upstream: an IPv6 literal in brackets (RFC 3986 §3.2.2), no
    /// port when it is 80.
    public var hostHeader: String {
        let literal = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? literal : "\(literal):\(port)"
    }
}
