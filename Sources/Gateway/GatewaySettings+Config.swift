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
            upstream: Self.upstream(config.upstream.url, config),
            canaryUpstream: config.cutover.upstreamURL.map { Self.upstream($0, config) },
            maxInflatedBodyBytes: server.maxInflatedBodyBytes,
            drainTimeoutNanos: UInt64(server.drainTimeout.wholeMilliseconds) * 1_000_000
        )
    }

    /// One arm's pool settings: the config's figures are for the whole process and each
    /// loop has its own pool; both arms get the same sizes and timeouts.
    static func upstream(_ url: HTTPEndpoint, _ config: SafemutConfig) -> UpstreamConfiguration {
        let loops = config.server.eventLoops
        return UpstreamConfiguration(
            host: url.host,
            port: url.port,
            basePath: url.basePath,
            maxIdlePerLoop: share(of: config.upstream.poolSize, loops: loops),
            maxConnectionsPerLoop: max(1, share(of: config.upstream.maxConnections, loops: loops)),
            connectTimeoutMs: config.upstream.connectTimeout.wholeMilliseconds,
            readTimeoutMs: config.upstream.readTimeout.wholeMilliseconds)
    }

    /// `total` split across `loops`, rounded up (0 stays 0).
    static func share(of total: Int, loops: Int) -> Int {
        let loops = max(1, loops)
        return (total + loops - 1) / loops
    }
}
