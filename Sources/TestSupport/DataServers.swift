import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One Postgres and one Redis shared by every test of a test process, started
/// on first use and stopped by PID when the process exits (`atexit`), so a
/// suite pays the `initdb` cost once. Tests isolate themselves with a fresh
/// database (`freshDatabase`) or key prefix; a test that restarts or kills a
/// server starts its own with `PostgresServer.start()` / `RedisServer.start()`.
public enum DataServers {
    private static let postgres = Mutex<PostgresServer?>(nil)
    private static let redis = Mutex<RedisServer?>(nil)
    private static let hooked = Mutex(false)
    private static let counter = Atomic<Int>(0)

    /// The shared Postgres, started on first call.
    public static func sharedPostgres() throws -> PostgresServer {
        try postgres.withLock { slot in
            if let server = slot { return server }
            let server = try PostgresServer.start()
            slot = server
            installExitHook()
            return server
        }
    }

    /// The shared Redis, started on first call.
    public static func sharedRedis() throws -> RedisServer {
        try redis.withLock { slot in
            if let server = slot { return server }
            let server = try RedisServer.start()
            slot = server
            installExitHook()
            return server
        }
    }

    /// A new empty database on the shared Postgres; returns its URL.
    public static func freshDatabase(prefix: String = "t") throws -> String {
        let server = try sharedPostgres()
        let n = counter.add(1, ordering: .relaxed).newValue
        return try server.createDatabase("\(prefix)_\(getpid())_\(n)")
    }

    private static func installExitHook() {
        let first = hooked.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        atexit {
            DataServers.stopAll()
        }
    }

    /// Stops the shared servers by PID (called at exit; safe to call earlier).
    public static func stopAll() {
        postgres.withLock { $0?.stop(); $0 = nil }
        redis.withLock { $0?.stop(); $0 = nil }
    }
}
