/// How to reach Postgres and how big the pool is. `url` is `DATABASE_URL`
/// in either libpq form (`postgres://user:pass@host:port/db?sslmode=require`
/// or `host=… port=… dbname=…`); libpq itself parses it, so `sslmode`,
/// `passfile` and the `PG*` environment variables (`PGPASSFILE`,
/// `PGPASSWORD`, …) behave exactly as for psql.
public struct PostgresConfiguration: Sendable {
    public var url: String
    /// Upper bound on open connections (each owns one OS thread).
    public var maxConnections: Int
    /// Statements one connection may hold queued or in flight when `query`
    /// pipelines them because every connection is busy; beyond it callers wait.
    public var maxPipelineDepth: Int
    /// How long a caller waits for a free connection before `poolTimeout`.
    public var acquireTimeout: Duration
    /// libpq `connect_timeout` in seconds (a URL value wins).
    public var connectTimeoutSeconds: Int
    /// `statement_timeout` set on every connection; nil leaves the server's.
    public var statementTimeout: Duration?
    /// `fallback_application_name` (a URL `application_name` wins).
    public var applicationName: String
    /// Prepared statements remembered per connection; beyond it statements run unnamed.
    public var statementCacheSize: Int

    /// Validates `url` with libpq's own parser (`PQconninfoParse`).
    public init(
        url: String,
        maxConnections: Int = 10,
        maxPipelineDepth: Int = 32,
        acquireTimeout: Duration = .seconds(5),
        connectTimeoutSeconds: Int = 5,
        statementTimeout: Duration? = nil,
        applicationName: String = "safemut",
        statementCacheSize: Int = 256
    ) throws(PostgresError) {
        if let problem = LibPQ.validate(conninfo: url) {
            throw PostgresError(.invalidConfiguration, message: "DATABASE_URL: \(problem)")
        }
        guard maxConnections > 0 else {
            throw PostgresError(.invalidConfiguration, message: "maxConnections must be at least 1")
        }
        guard maxPipelineDepth > 0 else {
            throw PostgresError(.invalidConfiguration, message: "maxPipelineDepth must be at least 1")
        }
        self.url = url
        self.maxConnections = maxConnections
        self.maxPipelineDepth = maxPipelineDepth
        self.acquireTimeout = acquireTimeout
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.statementTimeout = statementTimeout
        self.applicationName = applicationName
        self.statementCacheSize = statementCacheSize
    }

    /// libpq keyword/value pairs: our defaults first, then the URL (expanded by
    /// libpq), so anything the URL says overrides a default.
    var connectParameters: [(String, String)] {
        [
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("fallback_application_name", applicationName),
            // Keepalives bound how long a silently vanished server can hold a call.
            ("keepalives", "1"),
            ("keepalives_idle", "10"),
            ("keepalives_interval", "3"),
            ("keepalives_count", "3"),
            ("dbname", url),
        ]
    }

    /// Run once per new connection: the text formats our decoders expect, and no JIT: every
    /// statement here is short OLTP work, where compiling a plan (tens to hundreds of ms on
    /// the first calls of each session) costs far more than it saves.
    var sessionSetupSQL: String {
        var sql = "SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET bytea_output TO 'hex'; SET jit TO off;"
        if let statementTimeout {
            let ms = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
            sql += " SET statement_timeout TO \(max(ms, 1));"
        }
        return sql
    }
}
