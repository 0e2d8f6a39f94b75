import Foundation

/// A child process started by a test, stopped by PID when the test is done.
///
/// Tests start real servers (postgres, redis-server, intelgraph-demo, safemut)
/// through this type; `stop()` sends SIGTERM, waits, then SIGKILL, so no
/// server outlives its test even when the test fails.
public final class ManagedProcess: Sendable {
    public let pid: Int32
    public let name: String
    public let logPath: String
    private let process: Process

    /// Starts `executable` with `arguments`; stdout and stderr go to a log file
    /// under the system temp directory (its path is in `logPath`).
    public init(
        name: String,
        executable: String,
        arguments: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = environment
        }
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        let logPath = NSTemporaryDirectory() + "safemut-test-\(name)-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        // A child inherits the spawning thread's signal mask; Dispatch and
        // cooperative-pool threads block most signals, which would make the
        // server deaf to the SIGTERM/SIGHUP a test sends it.
        try DataCommand.withUnblockedSignals { try process.run() }
        self.process = process
        self.pid = process.processIdentifier
        self.name = name
        self.logPath = logPath
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process (for SIGHUP/SIGTERM tests).
    public func send(signal: Int32) {
        kill(pid, signal)
    }

    /// Waits up to `timeout` seconds for the process to exit; returns its status or nil.
    @discardableResult
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGTERM, wait up to `grace` seconds, then SIGKILL. Idempotent.
    public func stop(grace: Double = 5) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        if waitForExit(timeout: grace) == nil {
            kill(pid, SIGKILL)
            waitForExit(timeout: 5)
        }
    }

    /// The process's combined output so far (for failure messages).
    public func output() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    deinit {
        stop(grace: 2)
    }
}
