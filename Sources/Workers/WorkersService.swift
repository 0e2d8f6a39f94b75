import Contract
import Audit
import Config
import Dispatch
import Logging
import Postgres

/// The workers as `serve` runs them: built from the configuration, started after the
/// listener opens, stopped before the pools close (SIGTERM).
///
/// ```swift
/// let workers = WorkersService(config: config, postgres: pool, audit: AuditLog(pool: pool), logger: Logger(label: "safemut.workers"))
/// workers.start()                 // no-op when workers.enabled is false
/// … endpoints: workers.endpoints + AuditAdmin(log: audit, logger: …).endpoints …
/// workers.stopAndWait()           // on SIGTERM, before dependencies.close()
/// ```
///
/// The leader keeps one pooled connection leased while it leads: size the pool for it.
public final class WorkersService: Sendable {
    public let runner: WorkerRunner
    public let admin: WorkersAdmin

    public init(config: SafemutConfig, postgres: PostgresPool, audit: AuditLog, logger: Logger) {
        let reconcile = ReconcileWorker(pool: postgres, logger: logger)
        let escalation = CanaryEscalationWorker(
            pool: postgres, audit: audit, cleanDaysRequired: config.canary.cleanDays,
            configDryRun: config.canary.escalationDryRun, logger: logger)
        runner = WorkerRunner(
            pool: postgres, reconcile: reconcile, escalation: escalation,
            settings: WorkerRunner.Settings(
                reconcileInterval: config.workers.reconcileInterval, escalationInterval: config.workers.escalationInterval),
            enabled: config.workers.enabled, logger: logger)
        admin = WorkersAdmin(runner: runner, logger: logger)
    }

    /// `GET /admin/workers/status`, `POST /admin/workers/canary-escalate`.
    public var endpoints: [AdminEndpoint] { admin.endpoints }

    /// Starts competing for the lead (nothing when `workers.enabled` is false).
    public func start() {
        runner.start()
    }

    public func stop() async {
        await runner.stop()
    }

    /// `stop()` for a synchronous caller (serve's main thread on SIGTERM); never call it
    /// from a task, which it would block.
    public func stopAndWait() {
        let done = DispatchSemaphore(value: 0)
        Task { [runner] in
            await runner.stop()
            done.signal()
        }
        done.wait()
    }
}
