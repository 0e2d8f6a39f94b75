/// The GraphQL API behind the gateway and the keep-alive pool to it (`upstream.*`).
public struct UpstreamConfig: Sendable, Equatable {
    /// `upstream.url`, env `UPSTREAM_URL`, default `http://127.0.0.1:4001`.
    public var url = HTTPEndpoint(host: "127.0.0.1", port: 4001)
    /// `upstream.pool_size`: most idle keep-alive connections kept open (default 64).
    public var poolSize = 64
    /// `upstream.connect_timeout_ms` (default 1 s).
    public var connectTimeout: Duration = .milliseconds(1_000)
    /// `upstream.read_timeout_ms`: longest wait for response bytes (default 30 s).
    public var readTimeout: Duration = .milliseconds(30_000)
    /// `upstream.max_connections`: open connections at most, idle or busy (default 256).
    public var maxConnections = 256

    public init() {}
}
