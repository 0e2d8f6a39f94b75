#if canImport(Glibc)
import Glibc
import CSystem
#endif

/// Every socket and epoll system call safemut makes, as thin wrappers that
/// retry `EINTR` in one place and turn `-1` into a typed `SocketError`.
/// `EAGAIN` is not an error for non-blocking I/O: reads and writes report it
/// as `.wouldBlock`.
public enum Syscall {
    /// Outcome of a non-blocking read or write.
    public enum IOResult: Equatable, Sendable {
        case processed(Int)
        case wouldBlock
    }

    @inline(__always)
    static func retrying(_ call: String, _ body: () -> Int) throws(SocketError) -> Int {
        while true {
            let rc = body()
            if rc >= 0 { return rc }
            let err = Glibc.errno
            if err == EINTR { continue }
            throw SocketError(call, errno: err)
        }
    }

    @inline(__always)
    static func retryingIO(_ call: String, _ body: () -> Int) throws(SocketError) -> IOResult {
        while true {
            let rc = body()
            if rc >= 0 { return .processed(rc) }
            let err = Glibc.errno
            if err == EINTR { continue }
            if err == EAGAIN || err == EWOULDBLOCK { return .wouldBlock }
            throw SocketError(call, errno: err)
        }
    }

    /// socket(2), non-blocking and close-on-exec.
    public static func socket(domain: Int32, type: Int32) throws(SocketError) -> Int32 {
        let fd = try retrying("socket") { Int(Glibc.socket(domain, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)) }
        return Int32(fd)
    }

    /// setsockopt(2) for an `Int32` option.
    public static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) throws(SocketError) {
        var value = value
        _ = try retrying("setsockopt") {
            Int(Glibc.setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)))
        }
    }

    /// getsockopt(SO_ERROR): the pending error of a non-blocking connect.
    public static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        if Glibc.getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &len) != 0 { return Glibc.errno }
        return value
    }

    /// bind(2).
    public static func bind(_ fd: Int32, _ address: SocketAddress) throws(SocketError) {
        _ = try retrying("bind") { address.withSockAddr { Int(Glibc.bind(fd, $0, $1)) } }
    }

    /// listen(2).
    public static func listen(_ fd: Int32, backlog: Int32) throws(SocketError) {
        _ = try retrying("listen") { Int(Glibc.listen(fd, backlog)) }
    }

    /// accept4(2), non-blocking and close-on-exec; nil when no connection is pending.
    public static func accept(_ fd: Int32) throws(SocketError) -> (fd: Int32, peer: SocketAddress)? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try retryingIO("accept4") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Int(safemut_accept4(fd, $0, &len, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)))
                }
            }
        }
        switch result {
        case .wouldBlock: return nil
        case .processed(let client): return (Int32(client), SocketAddress(storage: storage))
        }
    }

    /// connect(2) on a non-blocking socket: true when connected at once, false when in progress.
    public static func connect(_ fd: Int32, _ address: SocketAddress) throws(SocketError) -> Bool {
        while true {
            let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return true }
            let err = Glibc.errno
            if err == EINTR { continue }
            if err == EINPROGRESS { return false }
            throw SocketError("connect", errno: err)
        }
    }

    /// read(2) into `buffer`; `.processed(0)` is end of stream.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult {
        try retryingIO("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// send(2) with MSG_NOSIGNAL, so a closed peer is EPIPE and not a SIGPIPE.
    public static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SocketError) -> IOResult {
        try retryingIO("send") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    /// recv(MSG_PEEK | MSG_DONTWAIT) of one byte: tells whether an idle pooled
    /// connection was closed by the peer (returns 0) before we reuse it.
    public static func peerHasClosed(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        let rc = Glibc.recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
        if rc == 0 { return true }
        if rc < 0 {
            let err = Glibc.errno
            return !(err == EAGAIN || err == EWOULDBLOCK || err == EINTR)
        }
        // Unsolicited bytes on an idle HTTP connection: not reusable either.
        return true
    }

    /// shutdown(2) of the write side (half close).
    public static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// close(2); errors are ignored on purpose (the fd is gone either way, and
    /// retrying close on Linux after EINTR can close a reused descriptor).
    public static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// epoll_create1(EPOLL_CLOEXEC).
    public static func epollCreate() throws(SocketError) -> Int32 {
        Int32(try retrying("epoll_create1") { Int(epoll_create1(Int32(EPOLL_CLOEXEC))) })
    }

    /// epoll_ctl(2).
    public static func epollControl(_ epfd: Int32, _ op: Int32, _ fd: Int32, events: UInt32) throws(SocketError) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        _ = try retrying("epoll_ctl") { Int(epoll_ctl(epfd, op, fd, &event)) }
    }

    /// epoll_wait(2); an interrupted wait returns 0 events.
    public static func epollWait(_ epfd: Int32, _ events: UnsafeMutablePointer<epoll_event>, max: Int32, timeoutMs: Int32) throws(SocketError) -> Int {
        let rc = epoll_wait(epfd, events, max, timeoutMs)
        if rc >= 0 { return Int(rc) }
        let err = Glibc.errno
        if err == EINTR { return 0 }
        throw SocketError("epoll_wait", errno: err)
    }

    /// eventfd(2), non-blocking: the loop's wake-up bell.
    public static func eventFD() throws(SocketError) -> Int32 {
        Int32(try retrying("eventfd") { Int(eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))) })
    }

    /// Rings an eventfd.
    public static func eventFDSignal(_ fd: Int32) {
        var one: UInt64 = 1
        _ = Glibc.write(fd, &one, 8)
    }

    /// Drains an eventfd.
    public static func eventFDDrain(_ fd: Int32) {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
    }

    /// The local port a socket is bound to (getsockname(2)); 0 on failure.
    public static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { return 0 }
        return SocketAddress(storage: storage).port
    }

    /// Monotonic clock in nanoseconds (CLOCK_MONOTONIC).
    public static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
