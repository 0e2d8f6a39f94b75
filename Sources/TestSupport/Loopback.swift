#if canImport(Glibc)
import Glibc
#endif

/// The 127.0.0.1 socket calls of the harness's blocking test clients and servers, each
/// returning what the system call returns (0, or -1 with `errno` set).
public enum Loopback {
    /// bind(2) `fd` to 127.0.0.1:`port` (0: a port the kernel picks).
    public static func bind(_ fd: Int32, port: Int = 0) -> Int32 {
        withAddress(port: port) { Glibc.bind(fd, $0, $1) }
    }

    /// connect(2) `fd` to 127.0.0.1:`port`.
    public static func connect(_ fd: Int32, port: Int) -> Int32 {
        withAddress(port: port) { Glibc.connect(fd, $0, $1) }
    }

    /// The port `fd` is bound to, read back with getsockname(2) (0 when it is not bound).
    public static func boundPort(_ fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func withAddress(port: Int, _ call: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
