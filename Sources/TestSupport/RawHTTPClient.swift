#if canImport(Glibc)
import Glibc
#endif
import HTTP
import Sockets

/// A blocking TCP client for tests that need exact bytes on the wire:
/// smuggling attempts, slowloris trickles, pipelining, half-sent bodies.
public final class RawHTTPClient {
    public let fd: Int32
    private var decoder = HTTPResponseDecoder()
    private var leftover: [UInt8] = []

    /// A response as read off the wire.
    public struct Response: Sendable {
        public var head: HTTPResponseHead
        public var body: [UInt8]
        public var status: Int { head.status }
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Connects to 127.0.0.1:`port`; reads time out after `timeout` seconds.
    public init(port: Int, timeout: Double = 5) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError("socket", errno: errno) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        guard Loopback.connect(fd, port: port) == 0 else {
            let err = errno
            Glibc.close(fd)
            throw SocketError("connect", errno: err)
        }
        self.fd = fd
    }

    deinit {
        Glibc.close(fd)
    }

    /// Sends all of `bytes`.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw SocketError("send", errno: errno) }
            offset += n
        }
    }

    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Reads one complete response (skipping 1xx unless `keepInterim`).
    /// `method` tells the decoder whether a body follows (HEAD has none).
    /// One request on a fresh connection to `port`: `Host: localhost`, `headers`, and a
    /// JSON `Content-Type`/`Content-Length` when there is a body (always for POST and PUT).
    public static func exchange(
        port: Int, _ method: String, _ target: String, body: String = "", headers: [String: String] = [:], timeout: Double = 10
    ) throws -> Response {
        let client = try RawHTTPClient(port: port, timeout: timeout)
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" {
            text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        }
        try client.send(text + "\r\n" + body)
        return try client.readResponse(method: method)
    }

    public func readResponse(method: String = "GET", keepInterim: Bool = false) throws -> Response {
        decoder.expectResponse(toMethod: method)
        var head: HTTPResponseHead?
        var body: [UInt8] = []
        if !leftover.isEmpty {
            decoder.append(leftover)
            leftover = []
        }
        while true {
            while let event = try decoder.next() {
                switch event {
                case .head(let h):
                    if h.status < 200 {
                        if keepInterim { return Response(head: h, body: []) }
                        continue
                    }
                    head = h
                case .body(let bytes):
                    body.append(contentsOf: bytes)
                case .end:
                    if let head { return Response(head: head, body: body) }
                }
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 {
                if let event = try decoder.finishOnClose(), case .end = event, let head {
                    return Response(head: head, body: body)
                }
                throw RawClientError.closedBeforeResponse
            }
            if n < 0 { throw SocketError("recv", errno: errno) }
            decoder.append(Array(buffer[0..<n]))
        }
    }

    /// True when the server closed the connection (EOF within `timeout` seconds).
    public func isClosedByPeer(timeout: Double = 3) -> Bool {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = Syscall.monotonicNanos() + UInt64(timeout * 1e9)
        while Syscall.monotonicNanos() < deadline {
            let rc = poll(&pfd, 1, 50)
            if rc > 0 {
                var byte: UInt8 = 0
                let n = Glibc.recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
                if n == 0 { return true }
                if n < 0 && errno != EAGAIN && errno != EWOULDBLOCK { return true }
                if n > 0 { continue }  // unread response bytes: keep draining
            }
        }
        return false
    }
}

public enum RawClientError: Error {
    case closedBeforeResponse
}
