import Config
import HTTP
import HTTPClient
import HTTPServer

extension GatewaySettings {
    /// The runtime settings a validated `SafemutConfig` describes.
    public init(_ config: SafemutConfig) {
        let server = config.server
        self.init(
            server: HTTPServerConfiguration(
                address: config.listen.description,
                eventLoops: server.eventLoops,
                limits: HTTPLimits(
                    maxRequestLineBytes: server.maxRequestLineBytes,
                    maxHeaderBytes: server.maxHeaderBytes,
                    maxHeaderCount: server.maxHeaderCount,
                    maxBodyBytes: server.maxBodyBytes),
                maxConnections: server.maxConnections,
                timeouts: .init(
                    headerMs: Self.milliseconds(server.headerTimeout),
                    bodyIdleMs: Self.milliseconds(server.bodyIdleTimeout),
                    keepAliveIdleMs: Self.milliseconds(server.keepaliveTimeout),
                    writeMs: Self.milliseconds(server.writeTimeout))),
            upstream: UpstreamConfiguration(
                host: config.upstream.url.host,
                port: config.upstream.url.port,
                basePath: config.upstream.url.basePath,
                // The config's figures are for the whole process; each loop has its own pool.
                maxIdlePerLoop: Self.share(of: config.upstream.poolSize, loops: server.eventLoops),
                maxConnectionsPerLoop: max(1, Self.share(of: config.upstream.maxConnections, loops: server.eventLoops)),
                connectTimeoutMs: Self.milliseconds(config.upstream.connectTimeout),
                readTimeoutMs: Self.milliseconds(config.upstream.readTimeout)),
            maxInflatedBodyBytes: server.maxInflatedBodyBytes,
            drainTimeoutNanos: UInt64(Self.milliseconds(server.drainTimeout)) * 1_000_000
        )
    }

    /// `total` split across `loops`, rounded up (0 stays 0).
    static func share(of total: Int, loops: Int) -> Int {
        let loops = max(1, loops)
        return (total + loops - 1) / loops
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
