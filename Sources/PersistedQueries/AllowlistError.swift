import Postgres
import Redis

/// Why an allowlist read or write failed.
public enum AllowlistError: Error, Sendable, CustomStringConvertible {
    /// A hash to add or remove is not 64 hex characters.
    case invalidHash(String)
    /// Postgres (the durable set) failed; nothing was changed.
    case postgres(PostgresError)
    /// Redis failed where the operation needed it (reads that have no fallback).
    case redis(RedisError)

    public var description: String {
        switch self {
        case .invalidHash(let hash):
            return "\"\(hash.prefix(80))\" is not an allowlist id (1–128 of A-Z a-z 0-9 _ -; a SHA-256 document hash is 64 hex characters)"
        case .postgres(let error): return "allowlist store (Postgres): \(error)"
        case .redis(let error): return "allowlist store (Redis): \(error)"
        }
    }
}
