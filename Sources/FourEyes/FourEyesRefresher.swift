import Logging
import Postgres
import Synchronization

/// Keeps the process's view of four-eyes state current without touching the request
/// path: the live emergency override once a second (so an override made on another
/// replica relaxes the policy here within a second) and the `approvals_pending` gauge
/// every fifth second.
public final class FourEyesRefresher: Sendable {
    private let overrides: EmergencyOverrideStore
    private let approvals: ApprovalStore
    private let state: EmergencyOverrideState
    private let metrics: FourEyesMetrics
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)

    public init(
        overrides: EmergencyOverrideStore, approvals: ApprovalStore, state: EmergencyOverrideState, metrics: FourEyesMetrics,
        logger: Logger
    ) {
        self.overrides = overrides
        self.approvals = approvals
        self.state = state
        self.metrics = metrics
        self.logger = logger
    }

    /// One refresh of the override (and, with `pending`, of the pending count).
    public func refresh(pending: Bool = true) async {
        do {
            let live = try await overrides.live()
            state.set(live)
            metrics.emergencyOverride(active: state.isActive())
            if pending { metrics.pending(try await approvals.pendingCount()) }
        } catch {
            // The last known override stays in force until its own expiry.
            metrics.error(kind: "refresh")
            logger.warning("four-eyes state not refreshed", metadata: ["error": "\(error)"])
        }
    }

    public func start() {
        task.withLock { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                var tick = 0
                while !Task.isCancelled {
                    await self?.refresh(pending: tick % 5 == 0)
                    tick += 1
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    public func stop() {
        task.withLock { task in
            task?.cancel()
            task = nil
        }
    }
}
