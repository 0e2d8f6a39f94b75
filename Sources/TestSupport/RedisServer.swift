import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away `redis-server` on a loopback port with no persistence,
/// stopped by PID; `restart()` brings it back on the same port.
public final class RedisServer: Sendable {
    public let port: Int
    /// The `requirepass` value, when the server demands AUTH.
    public let password: String?
    public let executable: String
    private let process: Mutex<ManagedProcess?>

    /// `redis://[:password@]127.0.0.1:PORT/DB`.
    public func url(database: Int = 0) -> String {
        let auth = password.map { ":\($0)@" } ?? ""
        return "redis://\(auth)127.0.0.1:\(port)/\(database)"
    }

    public var url: String { url() }

    /// The server's PID while it runs.
    public var pid: Int32? { process.withLock { $0?.isRunning == true ? $0?.pid : nil } }

    public func log() -> String { process.withLock { $0?.output() ?? "" } }

    private init(port: Int, password: String?, executable: String) {
        self.port = port
        self.password = password
        self.executable = executable
        self.process = Mutex(nil)
    }

    /// Starts `redis-server` (`REDIS_SERVER` overrides the binary path).
    public static func start(password: String? = nil, timeout: Double = 30) throws -> RedisServer {
        let executable = ProcessInfo.processInfo.environment["REDIS_SERVER"] ?? "/usr/bin/redis-server"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw HarnessError.missingBinary(executable)
        }
        let server = RedisServer(port: Ports.free(), password: password, executable: executable)
        try server.launch(timeout: timeout)
        return server
    }

    private func launch(timeout: Double) throws {
        var args = [
            "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--protected-mode", "yes",
        ]
        if let password { args += ["--requirepass", password] }
        let started = try DataCommand.withUnblockedSignals {
            try ManagedProcess(name: "redis", executable: executable, arguments: args)
        }
        process.withLock { $0 = started }
        try Ports.waitUntilListening(port, timeout: timeout, process: started)
    }

    /// Kills the server (SIGKILL: a crash, not a goodbye) and leaves it down.
    public func kill() {
        guard let running = process.withLock({ $0 }) else { return }
        running.send(signal: SIGKILL)
        running.waitForExit(timeout: 10)
        process.withLock { $0 = nil }
    }

    /// Stops the server and starts it again on the same port (empty: no persistence).
    public func restart(timeout: Double = 30) throws {
        shutdown()
        try launch(timeout: timeout)
    }

    /// Starts the server again after `kill()` or `shutdown()`, on the same port.
    public func startAgain(timeout: Double = 30) throws {
        guard pid == nil else { return }
        try launch(timeout: timeout)
    }

    /// Stops the server; it stays down. SIGKILL on purpose: the server keeps
    /// nothing on disk, so a graceful shutdown buys nothing but time.
    public func shutdown() {
        kill()
    }

    /// Stops the server by PID. Idempotent.
    public func stop() {
        shutdown()
    }

    deinit {
        stop()
    }
}
