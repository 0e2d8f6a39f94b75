import HTTPClient
import HTTPServer
import Logging

/// What the gateway runtime needs, derived from `SafemutConfig` (see
/// `GatewaySettings+Config.swift`); tests build it directly.
public struct GatewaySettings: Sendable {
    public var server: HTTPServerConfiguration
    public var upstream: UpstreamConfiguration
    /// The canary arm (`canary.upstream.url`), with the same pool sizes; nil: no canary.
    public var canaryUpstream: UpstreamConfiguration?
    /// Cap on a gzip request body once inflated (zip bombs → 413).
    public var maxInflatedBodyBytes: Int
    /// How long SIGTERM waits for in-flight requests.
    public var drainTimeoutNanos: UInt64
    public var version: String

    public init(
        server: HTTPServerConfiguration,
        upstream: UpstreamConfiguration,
        canaryUpstream: UpstreamConfiguration? = nil,
        maxInflatedBodyBytes: Int = 4 << 20,
        drainTimeoutNanos: UInt64 = 15_000_000_000,
        version: String = SafemutVersion.current
    ) {
        self.server = server
        self.upstream = upstream
        self.canaryUpstream = canaryUpstream
        self.maxInflatedBodyBytes = maxInflatedBodyBytes
        self.drainTimeoutNanos = drainTimeoutNanos
        self.version = version
    }
}

/// The version string `safemut version` prints and `/health` reports.
public enum SafemutVersion {
    public static let current = "0.1.0"
}
