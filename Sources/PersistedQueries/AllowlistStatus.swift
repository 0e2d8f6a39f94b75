import Foundation

/// The health of the in-process allowlist, for `GET /admin/persisted-queries` and readiness.
public struct AllowlistStatus: Sendable, Hashable {
    /// Where the snapshot in use came from.
    public enum Source: String, Sendable, Hashable {
        /// Nothing loaded yet (both stores unreachable since start): the allowlist is empty.
        case none
        /// The shared Redis set (the normal case).
        case redis
        /// Postgres, because Redis was unreachable when it was loaded.
        case postgres
    }

    /// Shared version of the snapshot in use (0 when not read from Redis).
    public var version: Int64
    public var count: Int
    public var source: Source
    /// False after the last Redis call failed: the snapshot is kept but may be stale.
    public var redisReachable: Bool
    /// A write reached Postgres but not Redis; the refresher republishes when Redis answers.
    public var pendingPublish: Bool
    /// When the snapshot was last confirmed current (a version check or a reload that succeeded).
    public var lastRefresh: Date?
    /// The last failure, if the last attempt failed.
    public var lastError: String?
    public var refresherRunning: Bool
}

/// A write's outcome.
public struct AllowlistChange: Sendable, Hashable {
    /// Hashes the write added or removed.
    public var changed: [String]
    /// Hashes that were already in (add) or not there (remove).
    public var unchanged: [String]
    /// Whether Redis (so every replica) has it; false means Postgres has it and this replica
    /// uses it, and the refresher republishes once Redis answers.
    public var published: Bool
}
