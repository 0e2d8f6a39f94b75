import HTTP

/// Everything the server needs to know; built from safemut.yaml by the Gateway.
public struct HTTPServerConfiguration: Sendable {
    /// `host:port` to listen on; port 0 picks a free port (tests).
    public var address: String
    /// Number of event loops (threads); one per core by default.
    public var eventLoops: Int
    /// Framing limits handed to the request decoder.
    public var limits: HTTPLimits
    /// Maximum open client connections; past it the listeners stop accepting
    /// (the kernel's backlog holds new clients) until some close.
    public var maxConnections: Int
    public var timeouts: Timeouts
    /// listen(2) backlog.
    public var backlog: Int32

    public init(
        address: String = "127.0.0.1:4000",
        eventLoops: Int = 2,
        limits: HTTPLimits = HTTPLimits(),
        maxConnections: Int = 10_000,
        timeouts: Timeouts = Timeouts(),
        backlog: Int32 = 1024
    ) {
        self.address = address
        self.eventLoops = eventLoops
        self.limits = limits
        self.maxConnections = maxConnections
        self.timeouts = timeouts
        self.backlog = backlog
    }

    /// Per-phase timeouts, in nanoseconds. A slow client (slowloris) is closed
    /// when the phase it is stuck in runs out.
    public struct Timeouts: Sendable, Equatable {
        /// From the first byte of a request until its head is complete.
        public var header: UInt64
        /// Longest gap between two body reads.
        public var bodyIdle: UInt64
        /// Idle keep-alive connection between requests.
        public var keepAliveIdle: UInt64
        /// Longest time a pending response write may make no progress.
        public var write: UInt64

        public init(
            headerMs: Int = 10_000,
            bodyIdleMs: Int = 10_000,
            keepAliveIdleMs: Int = 60_000,
            writeMs: Int = 10_000
        ) {
            self.header = UInt64(max(1, headerMs)) * 1_000_000
            self.bodyIdle = UInt64(max(1, bodyIdleMs)) * 1_000_000
            self.keepAliveIdle = UInt64(max(1, keepAliveIdleMs)) * 1_000_000
            self.write = UInt64(max(1, writeMs)) * 1_000_000
        }
    }
}
