#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 socket address.
public struct SocketAddress: Sendable, CustomStringConvertible {
    private var storage: sockaddr_storage

    init(storage: sockaddr_storage) {
        self.storage = storage
    }

    /// Parses `host:port` where host is a numeric IPv4/IPv6 address or a name
    /// resolved once with getaddrinfo (start-up only, never per request).
    public init(hostPort: String) throws(AddressError) {
        guard let colon = hostPort.lastIndex(of: ":") else { throw AddressError.missingPort(hostPort) }
        var host = String(hostPort[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(hostPort[hostPort.index(after: colon)...]), (0...65535).contains(port) else {
            throw AddressError.invalidPort(hostPort)
        }
        try self.init(host: host, port: port)
    }

    /// Resolves `host` (numeric or a name) and sets `port`.
    public init(host: String, port: Int) throws(AddressError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? "0.0.0.0" : host, String(port), &hints, &result)
        guard rc == 0, let first = result else { throw AddressError.unresolvable(host) }
        defer { freeaddrinfo(result) }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { dest in
            dest.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        self.storage = storage
    }

    public var family: Int32 { Int32(storage.ss_family) }

    /// The port in host byte order.
    public var port: Int {
        var s = storage
        return withUnsafePointer(to: &s) { p in
            if family == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// The numeric host, e.g. `127.0.0.1` (used for X-Forwarded-For).
    public var host: String {
        var s = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return withUnsafePointer(to: &s) { p -> String in
            if family == AF_INET6 {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 -> String in
                    var addr = sin6.pointee.sin6_addr
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin -> String in
                var addr = sin.pointee.sin_addr
                inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
    }

    public var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        var s = storage
        let len = family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
        return withUnsafePointer(to: &s) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(len)) }
        }
    }
}

/// Why an address string could not be used.
public enum AddressError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPort(String)
    case invalidPort(String)
    case unresolvable(String)

    public var description: String {
        switch self {
        case .missingPort(let s): return "address \"\(s)\" has no :port"
        case .invalidPort(let s): return "address \"\(s)\" has an invalid port"
        case .unresolvable(let s): return "host \"\(s)\" cannot be resolved"
        }
    }
}
