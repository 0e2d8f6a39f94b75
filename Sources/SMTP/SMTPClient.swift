#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Why a mail was not sent, typed so the caller can say what to fix.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The host did not resolve or refused the connection.
        case connectFailed
        /// No answer within the timeout.
        case timeout
        /// The server answered a command with an error (`code` and its text).
        case refused
        /// The server's bytes are not SMTP replies, or it hung up.
        case protocolError
        /// A setting or address that cannot be used (names the setting).
        case invalid
    }

    public var kind: Kind
    public var code: Int?
    public var message: String

    public init(_ kind: Kind, code: Int? = nil, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "SMTP \(kind.rawValue)\(code.map { " \($0)" } ?? ""): \(message)" }
}

/// A plain SMTP submission client (RFC 5321): EHLO, optional AUTH PLAIN, MAIL, RCPT, DATA,
/// QUIT over one blocking socket with a timeout on every read and write. Runs on a thread of
/// its own (`send` is called off the cooperative pool). STARTTLS comes with TLS (issue 23);
/// until then a relay on loopback or a trusted network is what it speaks to.
public struct SMTPClient: Sendable {
    public var host: String
    public var port: Int
    public var heloName: String
    public var user: String?
    public var password: String?
    public var timeoutSeconds: Int

    public init(host: String, port: Int, heloName: String = "safemut", user: String? = nil, password: String? = nil, timeoutSeconds: Int = 15) {
        self.host = host
        self.port = port
        self.heloName = heloName
        self.user = user
        self.password = password
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends `message` to every recipient; throws on the first refusal.
    public func send(_ message: MailMessage) throws(SMTPError) {
        guard MailMessage.isAddress(message.from) else { throw SMTPError(.invalid, "report.smtp.from is not an address: \(message.from)") }
        for rcpt in message.to where !MailMessage.isAddress(rcpt) { throw SMTPError(.invalid, "not an address: \(rcpt)") }
        let connection = try Connection(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { connection.close() }
        try connection.expect(220)
        try connection.command("EHLO \(heloName)", expect: 250)
        if let user, let password {
            let token = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
            try connection.command("AUTH PLAIN \(token)", expect: 235)
        }
        try connection.command("MAIL FROM:<\(message.from)>", expect: 250)
        for rcpt in message.to { try connection.command("RCPT TO:<\(rcpt)>", expect: 250) }
        try connection.command("DATA", expect: 354)
        // Dot-stuffing: a line that starts with "." gets another.
        let body = message.rendered(boundary: "safemut-" + message.messageID.prefix(16))
            .components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
        try connection.write(body + (body.hasSuffix("\r\n") ? "" : "\r\n") + ".\r\n")
        try connection.expect(250)
        try? connection.command("QUIT", expect: 221)
    }

    /// One socket and its read buffer.
    final class Connection {
        private let fd: Int32
        private var buffer: [UInt8] = []

        init(host: String, port: Int, timeoutSeconds: Int) throws(SMTPError) {
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
                throw SMTPError(.connectFailed, "cannot resolve \(host)")
            }
            defer { freeaddrinfo(list) }
            var entry: UnsafeMutablePointer<addrinfo>? = first
            var connected: Int32 = -1
            var lastError: Int32 = 0
            while let current = entry, connected < 0 {
                let candidate = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
                if candidate >= 0 {
                    var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                    setsockopt(candidate, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(candidate, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    if Glibc.connect(candidate, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                        connected = candidate
                    } else {
                        lastError = errno
                        Glibc.close(candidate)
                    }
                }
                entry = current.pointee.ai_next
            }
            guard connected >= 0 else {
                throw SMTPError(.connectFailed, "\(host):\(port): \(String(cString: strerror(lastError)))")
            }
            fd = connected
        }

        func close() { Glibc.close(fd) }

        func write(_ text: String) throws(SMTPError) {
            let bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 {
                    throw errno == EAGAIN || errno == EWOULDBLOCK ? SMTPError(.timeout, "writing") : SMTPError(.protocolError, "the server hung up")
                }
                offset += n
            }
        }

        func command(_ line: String, expect code: Int) throws(SMTPError) {
            try write(line + "\r\n")
            try expect(code, after: line.hasPrefix("AUTH") ? "AUTH PLAIN …" : line)
        }

        /// Reads one reply (all its `NNN-` lines and the last `NNN `) and checks its code.
        func expect(_ code: Int, after command: String = "connect") throws(SMTPError) {
            var text: [String] = []
            while true {
                let line = try readLine()
                guard line.count >= 3, let got = Int(line.prefix(3)) else { throw SMTPError(.protocolError, "not a reply: \(line.prefix(80))") }
                text.append(String(line.dropFirst(4)))
                if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " {
                    guard got == code else { throw SMTPError(.refused, code: got, "\(command): \(text.joined(separator: " "))") }
                    return
                }
            }
        }

        private func readLine() throws(SMTPError) -> String {
            while true {
                if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = buffer[..<end]
                    buffer.removeSubrange(...end)
                    return String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
                }
                guard buffer.count < 64 * 1024 else { throw SMTPError(.protocolError, "a reply line longer than 64 KiB") }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n == 0 { throw SMTPError(.protocolError, "the server closed the connection") }
                if n < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? SMTPError(.timeout, "no reply within the timeout") : SMTPError(.protocolError, String(cString: strerror(errno))) }
                buffer.append(contentsOf: chunk[..<n])
            }
        }
    }
}
