/// Where the external OPA listens and how long a decision may take
/// (config keys `opa.url`, `opa.timeout_ms`; Config parses the URL).
public struct OPAClientConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Path prefix from the URL (`""` or e.g. `/opa`), before `/v1/data/approval`.
    public var basePath: String
    /// The whole exchange (connect, send, answer) must finish within this.
    public var timeoutMilliseconds: Int
    /// Keep-alive connections to OPA kept open between decisions.
    public var maxIdleConnections: Int
    /// Connections open at once; decisions beyond wait (still within the timeout).
    public var maxConnections: Int
    /// Answers larger than this are refused (a decision is a few hundred bytes).
    public var maxResponseBytes: Int

    public init(
        host: String,
        port: Int,
        basePath: String = "",
        timeoutMilliseconds: Int = 250,
        maxIdleConnections: Int = 8,
        maxConnections: Int = 64,
        maxResponseBytes: Int = 256 * 1024
    ) {
        self.host = host
        self.port = port
        self.basePath = basePath
        self.timeoutMilliseconds = max(1, timeoutMilliseconds)
        self.maxIdleConnections = maxIdleConnections
        self.maxConnections = maxConnections
        self.maxResponseBytes = maxResponseBytes
    }

    /// OPA's REST data API for `package approval`, under `basePath`.
    public static let decisionPath = "/v1/data/approval"
}
