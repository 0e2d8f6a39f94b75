import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Short-lived helper commands the data-store harness runs to completion
/// (initdb, psql, pg_isready, redis-cli), and the privilege drop that lets the
/// harness run Postgres as root.
public enum DataCommand {
    /// What a finished command returned.
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
    }

    /// Runs `executable` to completion (bounded by `timeout` seconds, then SIGKILL)
    /// and returns its exit status and combined stdout/stderr. It runs in `directory`
    /// (default: this process's) and reads `input`, a file (default: nothing).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        directory: String? = nil,
        input: String? = nil,
        timeout: Double = 60
    ) throws -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw HarnessError.missingBinary(executable)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // A file, not a pipe: a chatty child can never block on a full pipe while we wait.
        let logPath = NSTemporaryDirectory() + "safemut-cmd-\(UUID().uuidString.prefix(8)).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: logPath) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = try input.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
        try withUnblockedSignals { try process.run() }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(10_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError.timeout("\(executable) \(arguments.joined(separator: " ")) ran past \(timeout)s")
        }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, output: output)
    }

    /// Like `run`, but a non-zero exit is a `HarnessError.setupFailed` naming the command.
    @discardableResult
    public static func check(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        timeout: Double = 60
    ) throws -> String {
        let outcome = try run(executable, arguments, environment: environment, timeout: timeout)
        guard outcome.status == 0 else {
            throw HarnessError.setupFailed("\(executable) \(arguments.joined(separator: " ")) exited \(outcome.status):\n\(outcome.output)")
        }
        return outcome.output
    }

    /// Runs `body` (which spawns a child) with this thread's signal mask emptied.
    ///
    /// Foundation's `Process` spawns from the calling thread and the child
    /// inherits that thread's mask; Dispatch and cooperative-pool threads block
    /// nearly every signal, so a child started from a test would never see
    /// SIGTERM or SIGALRM (pgbench `-T` relies on it). The mask is restored after.
    public static func withUnblockedSignals<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }

    /// Whether this process runs as root (Postgres refuses to; see `asUnprivileged`).
    public static var isRoot: Bool { getuid() == 0 }

    /// The command line that runs `executable` as the `postgres` user when we are
    /// root (via `setpriv`, which execs in place so the PID we hold is the server's),
    /// or unchanged otherwise.
    public static func asUnprivileged(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard isRoot else { return (executable, arguments) }
        return ("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--clear-groups", "--", executable] + arguments)
    }

    /// Makes `path` (recursively) owned by the `postgres` user when we are root.
    public static func handToUnprivileged(_ path: String) throws {
        guard isRoot else { return }
        try check("/bin/chown", ["-R", "postgres:postgres", path])
    }

    /// A fresh private directory under the system temp directory.
    public static func makeTemporaryDirectory(prefix: String) throws -> String {
        var template = Array((NSTemporaryDirectory() + "\(prefix)-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw HarnessError.setupFailed("mkdtemp failed: errno \(errno)") }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` seconds pass.
    public static func poll(timeout: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
