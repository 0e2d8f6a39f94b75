/// A plain-HTTP upstream address `http://host[:port][/path]`; the port defaults to 80.
public struct HTTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Prefix for forwarded request paths; `""` when the URL has no path (never ends with `/`).
    public var basePath: String

    public init(host: String, port: Int, basePath: String = "") {
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses `http://host[:port][/path]`; `nil` for other schemes (no TLS upstream), userinfo,
    /// queries, fragments, or a port outside 1...65535.
    public init?(parsing text: String) {
        let scheme = "http://"
        guard text.lowercased().hasPrefix(scheme) else { return nil }
        let rest = text.dropFirst(scheme.count)
        if rest.contains(where: { $0 == "?" || $0 == "#" || $0 == "@" || $0 == " " }) { return nil }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }

        let address: HostPort
        if authority.hasSuffix("]") || !authority.contains(":") {
            // No port given: the scheme's default.
            let host = authority.hasPrefix("[") ? authority.dropFirst().dropLast() : authority
            guard HostPort.isPlausibleHost(host) else { return nil }
            address = HostPort(host: String(host), port: 80)
        } else {
            guard let parsed = HostPort(parsing: String(authority)) else { return nil }
            address = parsed
        }
        guard (1...65_535).contains(address.port) else { return nil }
        self.init(host: address.host, port: address.port, basePath: path)
    }

    public var description: String {
        "http://\(HostPort(host: host, port: port))\(basePath)"
    }
}
