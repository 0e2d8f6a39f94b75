#if canImport(Glibc)
import Glibc
#endif

/// The socket calls of the compensation replay, in one place: a blocking TCP connection
/// with kernel timeouts (`SO_SNDTIMEO` bounds connect and send, `SO_RCVTIMEO` each read),
/// `EINTR` retried here. It runs only on a thread of its own (`onOwnThread`), never on the
/// cooperative pool: the replay is a one-shot CLI, not the gateway's event loop.
enum BlockingSocket {
    /// getaddrinfo(3) + socket(2) + connect(2): the first address of `host` that accepts.
    static func connect(host: String, port: Int, timeout: Duration) throws(ReplayTransportError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw .unresolvable(host)
        }
        defer { freeaddrinfo(list) }
        var failure = ReplayTransportError.connectFailed(errno: ECONNREFUSED)
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            cursor = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                failure = .connectFailed(errno: errno)
                continue
            }
            setTimeout(fd, SO_SNDTIMEO, timeout)
            var rc = Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen)
            // An interrupted connect goes on in the background; wait for it as for a slow one.
            while rc != 0 && errno == EINTR { rc = Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) }
            if rc == 0 || errno == EISCONN { return fd }
            // Linux reports a connect that ran out of SO_SNDTIMEO as EINPROGRESS.
            failure = (errno == EINPROGRESS || errno == EAGAIN) ? .connectTimedOut : .connectFailed(errno: errno)
            Glibc.close(fd)
        }
        throw failure
    }

    /// setsockopt(2) of a `timeval` timeout (rounded up to the millisecond, at least 1 ms).
    static func setTimeout(_ fd: Int32, _ option: Int32, _ duration: Duration) {
        let millis = max(1, duration.microseconds / 1_000 + (duration.microseconds % 1_000 == 0 ? 0 : 1))
        var value = timeval(tv_sec: Int(millis / 1_000), tv_usec: Int(millis % 1_000) * 1_000)
        _ = setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// send(2) of every byte, with MSG_NOSIGNAL (a closed peer is EPIPE, not SIGPIPE).
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(ReplayTransportError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                offset += sent
                continue
            }
            if sent < 0 && errno == EINTR { continue }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { throw .timedOut }
            throw .sendFailed(errno: sent < 0 ? errno : EPIPE)
        }
    }

    /// recv(2) into `buffer`; 0 is end of stream.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) throws(ReplayTransportError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut }
            throw .receiveFailed(errno: errno)
        }
    }

    /// close(2); the descriptor is gone whatever it returns.
    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// strerror(3) of `code`.
    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// Why a replay request got no answer.
public enum ReplayTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case unresolvable(String)
    case connectFailed(errno: Int32)
    case connectTimedOut
    case sendFailed(errno: Int32)
    case receiveFailed(errno: Int32)
    /// No bytes within the read (or send) timeout.
    case timedOut
    case malformedResponse(String)
    case responseTooLarge(limit: Int)

    /// False when nothing can have reached the upstream (no connection was made).
    public var requestMayHaveArrived: Bool {
        switch self {
        case .unresolvable, .connectFailed, .connectTimedOut: return false
        default: return true
        }
    }

    public var description: String {
        switch self {
        case .unresolvable(let host): return "cannot resolve \(host)"
        case .connectFailed(let code): return "connect failed: \(BlockingSocket.describe(code))"
        case .connectTimedOut: return "connect timed out"
        case .sendFailed(let code): return "sending the request failed: \(BlockingSocket.describe(code))"
        case .receiveFailed(let code): return "reading the answer failed: \(BlockingSocket.describe(code))"
        case .timedOut: return "no answer within the read timeout"
        case .malformedResponse(let why): return "malformed HTTP answer: \(why)"
        case .responseTooLarge(let limit): return "the answer is larger than \(limit) bytes"
        }
    }
}
