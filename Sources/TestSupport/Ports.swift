import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback port helpers for tests: every test server binds 127.0.0.1 only.
public enum Ports {
    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
    public static func free() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        guard Loopback.bind(fd) == 0 else { return 0 }
        return Loopback.boundPort(fd)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return Loopback.connect(fd, port: port) == 0
    }

    /// Polls until `port` accepts connections or `timeout` seconds pass.
    public static func waitUntilListening(_ port: Int, timeout: Double = 30, process: ManagedProcess? = nil) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isListening(port) { return }
            if let process, !process.isRunning {
                throw HarnessError.exitedEarly(name: process.name, output: process.output())
            }
            usleep(20_000)
        }
        throw HarnessError.timeout("port \(port) did not open within \(timeout)s: \(process?.output() ?? "")")
    }
}

/// Why the harness could not bring a server up.
public enum HarnessError: Error, CustomStringConvertible {
    case exitedEarly(name: String, output: String)
    case timeout(String)
    case missingBinary(String)
    case setupFailed(String)

    public var description: String {
        switch self {
        case .exitedEarly(let name, let output): return "\(name) exited early:\n\(output)"
        case .timeout(let what): return "timed out: \(what)"
        case .missingBinary(let path): return "missing binary \(path) (run .ci/run or install it)"
        case .setupFailed(let why): return "setup failed: \(why)"
        }
    }
}
