import Config
import HTTP
import HTTPClient
import HTTPServer
import Telemetry

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
                    headerMs: server.headerTimeout.wholeMilliseconds,
                    bodyIdleMs: server.bodyIdleTimeout.wholeMilliseconds,
                    keepAliveIdleMs: server.keepaliveTimeout.wholeMilliseconds,
                    writeMs: server.writeTimeout.wholeMilliseconds)),
            upstream: UpstreamConfiguration(
                host: config.upstream.url.host,
                port: config.upstream.url.port,
                basePath: config.upstream.url.basePath,
                // The config's figures are for the whole process; each loop has its own pool.
                maxIdlePerLoop: Self.share(of: config.upstream.poolSize, loops: server.eventLoops),
                maxConnectionsPerLoop: max(1, Self.share(of: config.upstream.maxConnections, loops: server.eventLoops)),
                connectTimeoutMs: config.upstream.connectTimeout.wholeMilliseconds,
                readTimeoutMs: config.upstream.readTimeout.wholeMilliseconds),
            maxInflatedBodyBytes: server.maxInflatedBodyBytes,
            drainTimeoutNanos: UInt64(server.drainTimeout.wholeMilliseconds) * 1_000_000
        )
    }

    /// `total` split across `loops`, rounded up (0 stays 0).
    static func share(of total: Int, loops: Int) -> Int {
        let loops = max(1, loops)
        return (total + loops - 1) / loops
    }
}
