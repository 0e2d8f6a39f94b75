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
                maxIdlePerLoop: config.upstream.poolSize,
                maxConnectionsPerLoop: max(1, config.upstream.maxConnections / max(1, server.eventLoops)),
                connectTimeoutMs: Self.milliseconds(config.upstream.connectTimeout),
                readTimeoutMs: Self.milliseconds(config.upstream.readTimeout)),
            maxInflatedBodyBytes: server.maxInflatedBodyBytes,
            drainTimeoutNanos: UInt64(Self.milliseconds(server.drainTimeout)) * 1_000_000
        )
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
