import Foundation
import Kit

/// One worker's schedule and last outcome, as `GET /admin/workers/status` shows it.
public struct WorkerStatus: Sendable, Equatable {
    /// `reconcile` or `canary_escalation`.
    public let name: String
    public var interval: Duration
    /// Start and end of the last pass this replica ran (scheduled or asked for).
    public var lastRunStarted: Date?
    public var lastRunFinished: Date?
    /// End of the last pass that completed without any failure.
    public var lastSuccess: Date?
    /// A summary of the last pass (JSON object), or nil before the first.
    public var lastResult: JSONValue?
    /// Why the last pass failed (wholly or for some tenants); nil after a clean pass.
    public var lastError: String?
    /// When this replica runs it next; nil when it does not lead.
    public var nextRun: Date?
    public var runs: Int = 0
    public var failures: Int = 0

    public init(name: String, interval: Duration) {
        self.name = name
        self.interval = interval
    }
}

/// A snapshot of the workers of this replica.
public struct WorkersStatus: Sendable, Equatable {
    /// `workers.enabled` (false: nothing is scheduled here; passes may still be asked for).
    public var enabled: Bool
    /// Whether this replica holds the leader lock now.
    public var isLeader: Bool
    public var leaderSince: Date?
    /// Why the last attempt to take or keep the lock failed, if it did.
    public var leaderError: String?
    public var reconcile: WorkerStatus
    public var escalation: WorkerStatus

    /// Seconds since the last fully successful reconcile pass on this replica (the
    /// freshness of `budget_daily` and the counters); nil before the first.
    public func reconcileFreshness(now: Date = Date()) -> Duration? {
        reconcile.lastSuccess.map { .milliseconds(Int64((now.timeIntervalSince($0) * 1000).rounded(.down))) }
    }
}
