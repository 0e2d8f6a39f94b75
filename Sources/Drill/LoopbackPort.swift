import Sockets
#if canImport(Glibc)
import Glibc
#endif

/// A free TCP port on 127.0.0.1 for the scratch gateway: bind port 0, read it, close.
enum LoopbackPort {
    static func free() throws(DrillError) -> Int {
        do {
            let fd = try Syscall.socket(domain: AF_INET, type: Int32(SOCK_STREAM.rawValue))
            defer { Syscall.close(fd) }
            try Syscall.bind(fd, try SocketAddress(hostPort: "127.0.0.1:0"))
            let port = Syscall.localPort(fd)
            guard port > 0 else { throw DrillError(step: "gateway", code: .gatewayFailed, message: "getsockname gave no port") }
            return port
        } catch let error as DrillError {
            throw error
        } catch {
            throw DrillError(step: "gateway", code: .gatewayFailed, message: "no free loopback port: \(error)")
        }
    }
}
