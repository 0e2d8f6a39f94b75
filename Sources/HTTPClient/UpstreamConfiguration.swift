import Sockets

/// Where and how to reach the upstream (`UPSTREAM_URL`, http only).
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

    /// Parses `http://host:port[/path]`; the port defaults to 80.
    public init(url: String) throws(UpstreamURLError) {
        guard url.hasPrefix("http://") else { throw .unsupportedScheme(url) }
        let rest = url.dropFirst("http://".count)
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        guard !authority.isEmpty, !authority.contains("@") else { throw .invalid(url) }
        let host: String
        let port: Int
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { throw .invalid(url) }
            port = p
        } else {
            host = authority
            port = 80
        }
        guard !host.isEmpty else { throw .invalid(url) }
        self.init(host: host, port: port, basePath: path)
    }

    /// The Host header sent upstream.
    public var hostHeader: String { port == 80 ? host : "\(host):\(port)" }
}

/// Why `UPSTREAM_URL` was refused.
public enum UpstreamURLError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedScheme(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .unsupportedScheme(let url): return "upstream URL \"\(url)\" must start with http://"
        case .invalid(let url): return "upstream URL \"\(url)\" is not http://host:port[/path]"
        }
    }
}
