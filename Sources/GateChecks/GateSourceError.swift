/// Why a gate's source could not be read. Each makes the check INCONCLUSIVE (or FAIL where
/// the gate's `on_no_data` says so), never PASS, and the reason is printed with it.
public enum GateSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `PROMQL_URL` / `promql.url` is not set or not a usable URL.
    case prometheusNotConfigured(String)
    /// The HTTP call failed (refused, timed out, reset).
    case prometheusUnreachable(String)
    /// Prometheus answered with an error (`bad_data` for a query it cannot parse) or a non-2xx.
    case prometheusRefused(status: Int, message: String)
    /// The answer was not the `matrix`/`vector` JSON the API documents.
    case prometheusMalformed(String)
    /// No database configured, or the query failed.
    case database(String)
    /// A file a gate reads is missing or unreadable.
    case fileMissing(path: String, reason: String)
    /// A file a gate reads is there but not what it should be.
    case fileMalformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .prometheusNotConfigured(let why): "Prometheus not configured: \(why)"
        case .prometheusUnreachable(let why): "Prometheus unreachable: \(why)"
        case .prometheusRefused(let status, let message): "Prometheus refused the query (HTTP \(status)): \(message)"
        case .prometheusMalformed(let why): "Prometheus answer malformed: \(why)"
        case .database(let why): "ledger database: \(why)"
        case .fileMissing(let path, let reason): "\(path) missing: \(reason)"
        case .fileMalformed(let path, let reason): "\(path) malformed: \(reason)"
        }
    }
}
