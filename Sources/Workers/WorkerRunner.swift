import Foundation
import Logging
import Postgres
import Synchronization

/// Runs the reconcile and canary-escalation workers on their timers in the one replica
/// that holds the leader lock (`LeaderLock`), and keeps a status snapshot for
/// `GET /admin/workers/status`.
///
/// Every replica runs a runner: a follower tries for the lock every `retryInterval` and
/// holds no connection in between; the leader keeps the lock on one leased session,
/// checks before each pass that this session still holds it (a reconnected session would
/// not), and gives it up on `stop()`. Passes are idempotent and safe to overlap (see the
/// workers), so the lock saves work rather than guarding money; a partitioned leader
/// whose session Postgres has not yet noticed is harmless.
public final class WorkerRunner: Sendable {
    /// Timers and the lock.
    public struct Settings: Sendable {
        public var reconcileInterval: Duration
        public var escalationInterval: Duration
        /// How often a follower tries for the lock: a dead leader is replaced within it.
        public var retryInterval: Duration
        public var lock: LeaderLock

        /// `retryInterval` defaults to the shorter of the two intervals, so a killed leader is
        /// replaced within one interval.
        public init(reconcileInterval: Duration, escalationInterval: Duration, retryInterval: Duration? = nil, lock: LeaderLock = LeaderLock()) {
            self.reconcileInterval = reconcileInterval
            self.escalationInterval = escalationInterval
            self.retryInterval = retryInterval ?? min(reconcileInterval, escalationInterval)
            self.lock = lock
        }
    }

    let pool: PostgresPool
    public let reconcile: ReconcileWorker
    public let escalation: CanaryEscalationWorker
    public let settings: Settings
    let logger: Logger
    let metrics = WorkerMetrics()
    let state: Mutex<WorkersStatus>
    private let loop = Mutex<Task<Void, Never>?>(nil)

    /// `enabled` false: `start()` does nothing, but passes can still be asked for
    /// (`escalateNow`), and the status says so.
    public init(pool: PostgresPool, reconcile: ReconcileWorker, escalation: CanaryEscalationWorker, settings: Settings, enabled: Bool = true, logger: Logger) {
        self.pool = pool
        self.reconcile = reconcile
        self.escalation = escalation
        self.settings = settings
        self.logger = logger
        self.state = Mutex(WorkersStatus(
            enabled: enabled, isLeader: false, leaderSince: nil, leaderError: nil,
            reconcile: WorkerStatus(name: WorkerKind.reconcile.name, interval: settings.reconcileInterval),
            escalation: WorkerStatus(name: WorkerKind.escalation.name, interval: settings.escalationInterval)))
    }

    /// The current snapshot.
    public var status: WorkersStatus {
        state.withLock { $0 }
    }

    /// Starts competing for the lead (once; no-op when disabled or already started).
    public func start() {
        guard state.withLock({ $0.enabled }) else { return }
        loop.withLock { task in
            guard task == nil else { return }
            task = Task { [self] in await self.compete() }
        }
    }

    /// Stops the timers, lets a running pass finish its current tenant, and releases the
    /// lock (so another replica takes over at its next try, not after a session timeout).
    public func stop() async {
        let task = loop.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }

    /// Tries for the lock until stopped; leads while it holds it.
    private func compete() async {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            do {
                try await pool.withConnection { session in
                    guard try await self.settings.lock.tryAcquire(session) else { return }
                    self.setLeader(true)
                    do {
                        try await self.lead(session, clock: clock)
                    } catch {
                        self.setLeader(false)
                        await self.settings.lock.release(session)
                        throw error
                    }
                    self.setLeader(false)
                    await self.settings.lock.release(session)
                }
                state.withLock { $0.leaderError = nil }
            } catch is CancellationError {
                break
            } catch let error as PostgresError where error.kind == .poolClosed {
                // The pool is gone for good (shutdown without stop(), or a test killing a replica).
                state.withLock { $0.leaderError = error.description }
                logger.notice("workers stopped: the Postgres pool is closed")
                break
            } catch {
                state.withLock { $0.leaderError = "\(error)" }
                logger.warning("workers lead lost or not reachable", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: settings.retryInterval, clock: clock)
            } catch {
                break
            }
        }
        setLeader(false)
    }

    /// The leader's loop: runs each worker when due, sleeping in between; returns when
    /// cancelled (by throwing `CancellationError`) or throws when the lock is lost.
    private func lead(_ session: PostgresSession, clock: ContinuousClock) async throws {
        var nextReconcile = clock.now
        var nextEscalation = clock.now
        while true {
            try Task.checkCancellation()
            guard try await settings.lock.isHeld(by: session) else { throw LeadershipLost() }
            if clock.now >= nextReconcile {
                let started = clock.now
                try await runReconcile()
                nextReconcile = started + settings.reconcileInterval
            }
            try Task.checkCancellation()
            if clock.now >= nextEscalation {
                let started = clock.now
                try await runEscalation(dryRun: false, trigger: .scheduled)
                nextEscalation = started + settings.escalationInterval
            }
            let now = clock.now
            let wallNow = Date()
            state.withLock { status in
                status.reconcile.nextRun = wallNow.addingTimeInterval(Self.seconds(max(.zero, nextReconcile - now)))
                status.escalation.nextRun = wallNow.addingTimeInterval(Self.seconds(max(.zero, nextEscalation - now)))
            }
            try await Task.sleep(until: min(nextReconcile, nextEscalation), clock: clock)
        }
    }

    private func setLeader(_ leading: Bool) {
        let changed = state.withLock { status -> Bool in
            guard status.isLeader != leading else { return false }
            status.isLeader = leading
            status.leaderSince = leading ? Date() : nil
            if !leading {
                status.reconcile.nextRun = nil
                status.escalation.nextRun = nil
            }
            return true
        }
        guard changed else { return }
        metrics.leader.record(leading ? 1 : 0)
        if leading {
            logger.notice("workers leader: this replica runs reconcile and canary escalation")
        } else {
            logger.notice("workers leader no more")
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// The session no longer holds the leader lock (its connection was replaced).
struct LeadershipLost: Error, CustomStringConvertible {
    var description: String { "the leader session no longer holds the workers lock" }
}
