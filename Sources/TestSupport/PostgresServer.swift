import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away Postgres 15 cluster for tests and scripts: `initdb` in a temp
/// directory, listening on a loopback port and on a unix socket inside that
/// directory, stopped by PID and deleted by `stop()`.
///
/// Works as a normal user and as root (CI): as root the server runs as the
/// `postgres` user, because `postgres` refuses to run as root.
public final class PostgresServer: Sendable {
    /// The directory holding the cluster (`data/`) and the socket (`sock/`).
    public let directory: String
    public let port: Int
    /// The superuser the cluster was made with (trust auth on loopback and the socket).
    public let superuser = "postgres"
    /// A role that must authenticate with a password over TCP (for wrong-password tests).
    public let passwordUser = "safemut_pw"
    public let password = "s3cret-pw"
    /// Where the binaries live; `PG_BIN` overrides.
    public let binDirectory: String

    private let process: Mutex<ManagedProcess?>
    /// WAL archiving, when the cluster was started with it (see `WALArchiving`).
    public let archiving: WALArchiving?

    /// Where archived WAL goes, when archiving is on.
    public var archiveDirectory: String? {
        archiving.map { $0.archiveDirectory ?? directory + "/archive" }
    }

    public var dataDirectory: String { directory + "/data" }
    public var socketDirectory: String { directory + "/sock" }

    /// `postgres://postgres@127.0.0.1:PORT/DATABASE` (trust auth).
    public func url(database: String = "postgres") -> String {
        "postgres://\(superuser)@127.0.0.1:\(port)/\(database)"
    }

    /// The default database's URL.
    public var url: String { url() }

    /// The URL of the password-authenticated role, with `password` (default: the right one).
    public func passwordURL(password: String? = nil, database: String = "postgres") -> String {
        "postgres://\(passwordUser):\(password ?? self.password)@127.0.0.1:\(port)/\(database)"
    }

    /// The server's PID while it runs.
    public var pid: Int32? { process.withLock { $0?.isRunning == true ? $0?.pid : nil } }

    /// The server log so far (for failure messages).
    public func log() -> String { process.withLock { $0?.output() ?? "" } }

    private init(directory: String, port: Int, binDirectory: String, archiving: WALArchiving?) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
        self.process = Mutex(nil)
        self.archiving = archiving
    }

    /// Creates a cluster and starts it, with WAL archiving when `archiving` is given; throws
    /// `HarnessError` when a step fails.
    public static func start(timeout: Double = 60, archiving: WALArchiving? = nil) throws -> PostgresServer {
        let bin = ProcessInfo.processInfo.environment["PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
        guard FileManager.default.isExecutableFile(atPath: bin + "/postgres") else {
            throw HarnessError.missingBinary(bin + "/postgres")
        }
        let directory = try DataCommand.makeTemporaryDirectory(prefix: "safemut-pg")
        let server = PostgresServer(directory: directory, port: Ports.free(), binDirectory: bin, archiving: archiving)
        do {
            try server.initialize()
            try server.launch(timeout: timeout)
            try server.createPasswordRole()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private func initialize() throws {
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if let archiveDirectory {
            try FileManager.default.createDirectory(atPath: archiveDirectory, withIntermediateDirectories: true)
            try DataCommand.handToUnprivileged(archiveDirectory)
        }
        try DataCommand.handToUnprivileged(directory)
        let (exe, args) = DataCommand.asUnprivileged(binDirectory + "/initdb", [
            "-D", dataDirectory, "-U", superuser, "--auth=trust", "--no-sync",
            "--encoding=UTF8", "--locale=C",
        ] + (archiving?.initdbArguments ?? []))
        try DataCommand.check(exe, args, timeout: 120)
        // Trust for everyone but the password role, which must prove its password over TCP.
        let hba = """
            local all all trust
            host all \(passwordUser) 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust

            """ + (archiving?.hbaLines ?? "")
        try hba.write(toFile: dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
        try DataCommand.handToUnprivileged(dataDirectory + "/pg_hba.conf")
    }

    private func launch(timeout: Double) throws {
        let (exe, args) = DataCommand.asUnprivileged(binDirectory + "/postgres", [
            "-D", dataDirectory, "-p", String(port), "-k", socketDirectory,
            "-c", "listen_addresses=127.0.0.1",
            // A test cluster is disposable: durability costs time and buys nothing.
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200", "-c", "shared_buffers=64MB",
        ] + (archiving.map { $0.serverSettings(archive: archiveDirectory ?? "") } ?? []))
        let started = try DataCommand.withUnblockedSignals {
            try ManagedProcess(name: "postgres", executable: exe, arguments: args)
        }
        process.withLock { $0 = started }
        try waitUntilReady(timeout: timeout, process: started)
    }

    /// Polls `pg_isready` until the server accepts connections.
    private func waitUntilReady(timeout: Double, process: ManagedProcess) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning {
                throw HarnessError.exitedEarly(name: "postgres", output: process.output())
            }
            let ready = try DataCommand.run(binDirectory + "/pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-t", "1"], timeout: 5)
            if ready.status == 0 { return }
            usleep(50_000)
        }
        throw HarnessError.timeout("postgres on port \(port) not ready within \(timeout)s:\n\(process.output())")
    }

    private func createPasswordRole() throws {
        try psql("CREATE ROLE \(passwordUser) LOGIN PASSWORD '\(password)' SUPERUSER")
    }

    /// Runs `sql` with `psql` as the superuser over the unix socket; returns its output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try DataCommand.check(binDirectory + "/psql", [
            "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
            "-h", socketDirectory, "-p", String(port), "-U", superuser, "-d", database, "-c", sql,
        ], timeout: 60)
    }

    /// Creates database `name` and returns its URL.
    public func createDatabase(_ name: String) throws -> String {
        try psql("CREATE DATABASE \"\(name)\"")
        return url(database: name)
    }

    /// Stops the server (fast shutdown: SIGINT, then SIGQUIT, then SIGKILL) and
    /// starts it again on the same port and data directory.
    public func restart(timeout: Double = 60) throws {
        shutdown()
        try launch(timeout: timeout)
    }

    /// Stops the server without removing its directory (for "server down" tests).
    public func shutdown() {
        guard let running = process.withLock({ $0 }) else { return }
        // SIGTERM is Postgres's *smart* shutdown, which waits for every client to
        // leave; a pool never leaves, so use fast shutdown (SIGINT) first.
        for signal in [SIGINT, SIGQUIT] where running.isRunning {
            running.send(signal: signal)
            if running.waitForExit(timeout: 10) != nil { break }
        }
        running.stop(grace: 1)
        process.withLock { $0 = nil }
    }

    /// Stops the server by PID and removes its directory. Idempotent.
    public func stop() {
        shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit {
        stop()
    }
}
