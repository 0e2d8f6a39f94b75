import Foundation
import Logging
import Postgres
#if canImport(Glibc)
import Glibc
#endif

/// The restored cluster: the base backup copied into a scratch data directory, recovering
/// from the archive snapshot until the WAL runs out, then promoted. It listens on a unix
/// socket in the scratch directory only (no TCP: nothing outside this host, and no other
/// user on it, can reach a copy of the ledger).
final class ScratchPostgres: Sendable {
    let dataDirectory: String
    let socketDirectory: String
    let port: Int
    private let server: ChildProcess

    /// Puts `backup` into `scratch/data` (moved when the drill took it, so the scratch host
    /// needs room for one backup; copied when it is the operator's, which stays untouched),
    /// configures archive recovery from `walDirectory` and starts `postgres` (blocking).
    /// `restore_failed` when any of that fails.
    static func start(
        backup: BaseBackup, moveBackup: Bool, walDirectory: String, scratch: String, pgBin: String, port: Int
    ) throws(DrillError) -> ScratchPostgres {
        let data = scratch + "/data"
        let socket = scratch + "/sock"
        if moveBackup {
            do {
                try FileManager.default.moveItem(atPath: backup.path, toPath: data)
            } catch {
                throw DrillError(step: "restore", code: .restoreFailed, message: "moving the backup to \(data) failed: \(error.localizedDescription)")
            }
        } else {
            let copy = try ChildProcess.run(
                "/bin/cp", ["-a", backup.path, data], step: "restore", code: .restoreFailed, logDirectory: scratch, seconds: 6 * 3_600)
            guard copy.status == 0 else {
                throw DrillError(step: "restore", code: .restoreFailed, message: "copying the backup into \(data) failed: \(copy.output)")
            }
        }
        do {
            try prepare(data: data, socket: socket)
        } catch {
            throw DrillError(step: "restore", code: .restoreFailed, message: "preparing \(data) for recovery failed: \(error)")
        }
        try ChildProcess.handToPostgresUser(data, logDirectory: scratch)
        try ChildProcess.handToPostgresUser(socket, logDirectory: scratch)
        try ChildProcess.handToPostgresUser(walDirectory, logDirectory: scratch)
        let (exe, args) = ChildProcess.asPostgresUser(pgBin + "/postgres", [
            "-D", data, "-p", String(port),
            "-c", "config_file=\(data)/postgresql.conf", "-c", "hba_file=\(data)/pg_hba.conf", "-c", "ident_file=\(data)/pg_ident.conf",
            "-c", "listen_addresses=", "-c", "unix_socket_directories=\(socket)",
            // The WAL comes only from the snapshot taken at the loss, never from the live archive.
            "-c", "restore_command=cp \(walDirectory)/%f %p",
            "-c", "recovery_target_action=promote", "-c", "recovery_target_timeline=latest",
            // No connections until promotion: a hot standby would demand max_connections and
            // friends at least the primary's (often set outside the data directory, e.g. on its
            // command line or in /etc), and the drill has nothing to read before the end anyway.
            "-c", "hot_standby=off",
            // A restore must not archive into (and so corrupt) the source's archive, stream
            // from the source, or need the source's TLS files and log collector.
            "-c", "archive_mode=off", "-c", "primary_conninfo=", "-c", "ssl=off",
            "-c", "logging_collector=off", "-c", "log_destination=stderr",
        ])
        let server = try ChildProcess(name: "restore", executable: exe, arguments: args, logPath: scratch + "/postgres.log")
        return ScratchPostgres(dataDirectory: data, socketDirectory: socket, port: port, server: server)
    }

    private init(dataDirectory: String, socketDirectory: String, port: Int, server: ChildProcess) {
        self.dataDirectory = dataDirectory
        self.socketDirectory = socketDirectory
        self.port = port
        self.server = server
    }

    /// The files recovery needs: `recovery.signal`, our `pg_hba.conf` (socket only, trust:
    /// the socket directory is private to the drill), and empty `postgresql.conf`/`pg_ident.conf`
    /// when the cluster keeps its configuration outside the data directory (Debian's layout).
    private static func prepare(data: String, socket: String) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: socket, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // A backup never holds these, but a copied data directory might.
        for stale in ["postmaster.pid", "standby.signal", "recovery.signal"] {
            try? files.removeItem(atPath: data + "/" + stale)
        }
        try Data().write(to: URL(fileURLWithPath: data + "/recovery.signal"))
        try Data("local all all trust\n".utf8).write(to: URL(fileURLWithPath: data + "/pg_hba.conf"))
        for optional in ["postgresql.conf", "pg_ident.conf"] where !files.fileExists(atPath: data + "/" + optional) {
            try Data().write(to: URL(fileURLWithPath: data + "/" + optional))
        }
        // Postgres refuses a data directory others can read.
        try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: data)
    }

    /// The `postgresql://` URL for `user` and `database` over the scratch socket
    /// (`postgresql://user@/db?host=/scratch/sock&port=P`: libpq reads a `host` starting with
    /// `/` as a socket directory). A URL rather than `key=value` text, because the gateway's
    /// `DATABASE_URL` must be one.
    func connectionURL(user: String, database: String) -> String {
        "postgresql://\(Self.percentEncoded(user))@/\(Self.percentEncoded(database))?host=\(Self.percentEncoded(socketDirectory, keeping: "/"))&port=\(port)"
    }

    /// Waits until recovery has ended and the server is promoted (`pg_is_in_recovery()` false),
    /// polling every 200 ms for up to `seconds`; `restore_failed` with the server log's tail
    /// when the server exits (a WAL gap it found itself, a bad backup) or time runs out.
    func waitUntilPromoted(connection: String, seconds: Int64, clock: any DrillClock, logger: Logger) async throws(DrillError) {
        let deadline = clock.nowMicros() + seconds * 1_000_000
        var lastProblem = "not reachable yet"
        while clock.nowMicros() < deadline {
            if let status = server.exitStatus {
                throw DrillError(
                    step: "restore", code: .restoreFailed,
                    message: "the scratch postgres exited \(status) during recovery: \(server.outputTail())")
            }
            do {
                let pool = PostgresPool(
                    configuration: try PostgresConfiguration(url: connection, maxConnections: 1, acquireTimeout: .seconds(5), connectTimeoutSeconds: 2),
                    logger: logger)
                defer { pool.close() }
                if try await pool.query("SELECT pg_is_in_recovery()").single()[0].bool() == false { return }
                lastProblem = "still in recovery"
            } catch {
                lastProblem = "\(error)"
            }
            try? await clock.sleep(milliseconds: 200)
        }
        throw DrillError(
            step: "restore", code: .restoreFailed,
            message: "the scratch postgres was not promoted within \(seconds) s (\(lastProblem)): \(server.outputTail())")
    }

    /// The server log so far (for the report's messages).
    func logTail() -> String { server.outputTail() }

    /// Fast shutdown (SIGINT) by PID, then SIGKILL. Blocking.
    func stop() {
        server.stop(first: SIGINT, grace: 30)
    }

    /// `text` with every byte but RFC 3986's unreserved ones (and `keeping`) as `%XX`.
    static func percentEncoded(_ text: String, keeping: String = "") -> String {
        let kept = Set(keeping.utf8)
        var out = ""
        for byte in text.utf8 {
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            if unreserved || kept.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
