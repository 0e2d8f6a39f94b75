#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, and the `errno` it left.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The peer refused or reset the connection (ECONNREFUSED, ECONNRESET, EPIPE, …).
    public var isConnectionFailure: Bool {
        [ECONNREFUSED, ECONNRESET, EPIPE, ENOTCONN, ECONNABORTED, EHOSTUNREACH, ENETUNREACH].contains(errno)
    }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
