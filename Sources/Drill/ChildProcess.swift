import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child the drill starts (pg_basebackup, the scratch `postgres`, the scratch gateway),
/// its output in a log file, stopped by its PID.
///
/// All `Process` spawning of the module is here: the signal-mask reset every spawn needs,
/// the privilege drop for Postgres when the drill runs as root, and the bounded waits.
final class ChildProcess: Sendable {
    let pid: Int32
    let name: String
    let logPath: String
    private let process: Process

    /// Starts `executable`; stdout and stderr go to `logPath`.
    init(name: String, executable: String, arguments: [String], environment: [String: String]? = nil, logPath: String) throws(DrillError) {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw DrillError(step: name, code: .badArgument, message: "\(executable) is not an executable file")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        // A file, not a pipe: a chatty child can never block on a full pipe while nobody reads.
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle: FileHandle
        do {
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        } catch {
            throw DrillError(step: name, code: .badArgument, message: "cannot write the log \(logPath): \(error)")
        }
        defer { try? handle.close() }
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        do {
            try Self.withUnblockedSignals { try process.run() }
        } catch {
            throw DrillError(step: name, code: .badArgument, message: "cannot start \(executable): \(error)")
        }
        self.process = process
        self.pid = process.processIdentifier
        self.name = name
        self.logPath = logPath
        Self.running.withLock { $0[pid] = self }
    }

    /// Every child still held, by PID, so an interrupted drill can stop them all
    /// (`stopAllRunning`); a child leaves when it is stopped or waited for.
    private static let running = Mutex<[Int32: ChildProcess]>([:])

    /// Stops every child the drill started that is still running (SIGINT first: Postgres's
    /// fast shutdown, and a drain for the gateway), by PID. For the CLI's SIGINT/SIGTERM.
    static func stopAllRunning() {
        let children = running.withLock { held -> [ChildProcess] in
            defer { held = [:] }
            return Array(held.values)
        }
        for child in children where child.isRunning { kill(child.pid, SIGINT) }
        for child in children { child.stop(first: SIGTERM, grace: 10) }
    }

    var isRunning: Bool { process.isRunning }

    /// The exit status once it has exited.
    var exitStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// The log's last `limit` bytes (for error messages).
    func outputTail(limit: Int = 2_000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(limit), as: UTF8.self)
    }

    /// Waits (blocking; call off the cooperative pool) up to `seconds` for the exit; its status or nil.
    @discardableResult
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return exitStatus
    }

    /// Sends `first` (SIGINT is Postgres's fast shutdown, SIGTERM the gateway's drain), waits
    /// `grace` seconds, then SIGKILL by PID. Idempotent; blocking.
    func stop(first: Int32 = SIGTERM, grace: Double = 10) {
        _ = Self.running.withLock { $0.removeValue(forKey: pid) }
        guard process.isRunning else { return }
        kill(pid, first)
        if waitForExit(seconds: grace) == nil {
            kill(pid, SIGKILL)
            waitForExit(seconds: 5)
        }
    }

    deinit {
        stop(grace: 2)
    }

    // MARK: - Commands run to completion

    /// Runs `executable` to completion (bounded by `seconds`, then SIGKILL); blocking.
    /// Returns the exit status and the output's tail.
    static func run(
        _ executable: String, _ arguments: [String], step: String, code: DrillError.Code, logDirectory: String, seconds: Double
    ) throws(DrillError) -> (status: Int32, output: String) {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let log = logDirectory + "/\(name)-\(UUID().uuidString.prefix(8)).log"
        let child = try ChildProcess(name: step, executable: executable, arguments: arguments, logPath: log)
        defer { _ = running.withLock { $0.removeValue(forKey: child.pid) } }
        guard let status = child.waitForExit(seconds: seconds) else {
            child.stop(first: SIGKILL, grace: 5)
            throw DrillError(step: step, code: code, message: "\(executable) \(arguments.joined(separator: " ")) ran past \(Int(seconds)) s")
        }
        return (status, child.outputTail(limit: 4_000))
    }

    // MARK: - Privileges

    /// Whether the drill runs as root (Postgres refuses to).
    static var isRoot: Bool { getuid() == 0 }

    /// The command line that runs `executable` as the `postgres` user when we are root (via
    /// `setpriv`, which execs in place, so the PID we hold is the server's and stopping it by
    /// PID stops Postgres), or unchanged otherwise.
    static func asPostgresUser(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard isRoot else { return (executable, arguments) }
        return ("/usr/bin/setpriv", ["--reuid=postgres", "--regid=postgres", "--clear-groups", "--", executable] + arguments)
    }

    /// Hands `path` (recursively) to the `postgres` user when we are root; blocking.
    static func handToPostgresUser(_ path: String, logDirectory: String) throws(DrillError) {
        guard isRoot else { return }
        let result = try run("/bin/chown", ["-R", "postgres:postgres", path], step: "restore", code: .restoreFailed, logDirectory: logDirectory, seconds: 600)
        guard result.status == 0 else {
            throw DrillError(step: "restore", code: .restoreFailed, message: "chown -R postgres:postgres \(path) failed: \(result.output)")
        }
    }

    /// Runs `body` (which spawns a child) with this thread's signal mask emptied: a child
    /// inherits the spawning thread's mask, and pool threads block most signals, which would
    /// leave the child deaf to the SIGTERM/SIGINT that stops it.
    private static func withUnblockedSignals<T>(_ body: () throws -> T) rethrows -> T {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        return try body()
    }
}
