/// The client-facing HTTP server: threads, limits and timeouts (`server.*`).
///
/// Limits map to SPEC's statuses: request line and headers past their caps are 414/431,
/// bodies 413 (raw or inflated), timeouts close the connection (408 where a response fits).
public struct ServerConfig: Sendable, Equatable {
    /// `server.event_loops`: event-loop threads (default: the CPU count).
    public var eventLoops: Int
    /// `server.max_connections`: concurrent client connections (default 10,000).
    public var maxConnections = 10_000
    /// `server.max_request_line_bytes` (default 8 KiB).
    public var maxRequestLineBytes = 8_192
    /// `server.max_header_bytes`: all header lines together (default 16 KiB).
    public var maxHeaderBytes = 16_384
    /// `server.max_header_count` (default 100).
    public var maxHeaderCount = 100
    /// `server.max_body_bytes`: request body as sent (default 1 MiB).
    public var maxBodyBytes = 1_048_576
    /// `server.max_inflated_body_bytes`: a gzip body after inflating (default 4 MiB).
    public var maxInflatedBodyBytes = 4_194_304
    /// `server.header_timeout_ms`: from connect or the previous response to a full head (default 10 s).
    public var headerTimeout: Duration = .milliseconds(10_000)
    /// `server.body_idle_timeout_ms`: longest gap between body bytes (default 10 s).
    public var bodyIdleTimeout: Duration = .milliseconds(10_000)
    /// `server.keepalive_timeout_ms`: an idle keep-alive connection is closed after this (default 60 s).
    public var keepaliveTimeout: Duration = .milliseconds(60_000)
    /// `server.write_timeout_ms`: longest stall writing a response (default 10 s).
    public var writeTimeout: Duration = .milliseconds(10_000)
    /// `server.drain_timeout_ms`: on SIGTERM, how long in-flight requests may finish (default 15 s).
    public var drainTimeout: Duration = .milliseconds(15_000)

    public init(eventLoops: Int) {
        self.eventLoops = eventLoops
    }
}
