import Foundation
import Synchronization
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A loopback listener for OPA failure cases: either it answers every request with the
/// same canned bytes, or (`answer == nil`) it never accepts and never answers, so a
/// client connects (the kernel completes the handshake) and then hears nothing.
final class CannedHTTPServer: Sendable {
    let port: Int
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)

    init(answer: [UInt8]?) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw RegoEngineError("socket: errno \(errno)") }
        var one: Int32 = 1
        _ = setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Loopback.bind(listener) == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw RegoEngineError("bind/listen: errno \(errno)")
        }
        fd = listener
        port = Loopback.boundPort(listener)
        if let answer {
            Thread { [self] in serve(answer: answer) }.start()
        }
    }

    /// Stops accepting (wakes a blocked accept) and closes the listener.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }

    private func serve(answer: [UInt8]) {
        while !stopped.load(ordering: .acquiring) {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            Self.readRequest(client)
            var sent = 0
            while sent < answer.count {
                let n = answer[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            close(client)
        }
    }

    /// Reads one request: the head, then `Content-Length` bytes of body.
    private static func readRequest(_ client: Int32) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            bytes += buffer[0..<n]
            let text = String(decoding: bytes, as: UTF8.self)
            guard let headEnd = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<headEnd.lowerBound].lowercased()
            var length = 0
            for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
            }
            let headBytes = text[..<headEnd.upperBound].utf8.count
            if bytes.count - headBytes >= length { return }
        }
    }

    /// An HTTP/1.1 answer with `Connection: close`.
    static func answer(status: String, contentType: String, body: String) -> [UInt8] {
        Array("HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
    }
}

/// scripts/opa-rest.py on a free loopback port: a stand-in for the OPA server (there is
/// no opa binary on this machine) that answers OPA's REST data API with the real Rego
/// engine (regorus) evaluating policies/approval.rego.
struct OPARestServer {
    let process: ManagedProcess
    let port: Int

    /// Starts the server and waits until it listens (blocking: call through `offPool`).
    static func start() throws -> OPARestServer {
        if let why = RegoEngine.unavailable() { throw RegoEngineError(why) }
        let port = Ports.free()
        let process = try ManagedProcess(
            name: "opa-rest",
            executable: RegoEngine.python,
            arguments: [RegoEngine.opaRestScript, String(port), RegoEngine.policies]
        )
        do {
            try Ports.waitUntilListening(port, timeout: 30, process: process)
        } catch {
            process.stop()
            throw RegoEngineError("opa-rest.py did not start: \(error)\n\(RegoEngine.installHint)")
        }
        return OPARestServer(process: process, port: port)
    }

    func stop() { process.stop() }
}
