import Contract
import Admin
import AdminUI
import Audit
import BudgetAdmin
import Config
import Foundation
import GateChecks
import Identity
import Ledger
import Logging
import PersistedQueries
import Prometheus
import RateLimit
import Workers

/// Everything `safemut serve` runs, wired from one configuration: the composition root.
/// Config → datastore clients → stores and workers → the admission policy
/// (`AdmissionPolicy`) → admin routes → the server. The executable only loads the
/// configuration, bootstraps logging and metrics, and forwards signals here.
public final class GatewayRuntime: Sendable {
    public let gateway: Gateway
    public let admission: ConfiguredPipeline
    let dependencies: Dependencies
    let ledger: LedgerSetup?
    let fourEyes: FourEyesSetup?
    let rateLimiter: RateLimiter?
    let allowlist: AllowlistStore?
    let budgetGauges: BudgetGauges?
    let workers: WorkersService?
    let cutover: CutoverSetup
    let downshift: DownshiftSetup

    /// Why start-up failed, and the exit code `serve` documents for it.
    public struct StartError: Error, CustomStringConvertible {
        /// 2: configuration or a dependency's settings; 3: the listener could not open.
        public let exitCode: Int32
        public let description: String
    }

    /// Builds and starts everything (workers and refreshers included) or undoes what it started.
    /// `configPath` is only for the start-up log line.
    public static func start(
        _ config: SafemutConfig, configPath: String?, registry: PrometheusCollectorRegistry, logger: Logger
    ) throws(StartError) -> GatewayRuntime {
        let gaps = config.enforcementGaps()
        if !gaps.isEmpty {
            throw StartError(exitCode: 2, description:
                "environment \(config.environment) is listed in require_enforcement; refusing to start without:\n"
                + gaps.map { "  \($0)" }.joined(separator: "\n"))
        }
        try PolicyBundleCheck.verify(config.policyBundle, logger: logger)
        let chaos = ChaosSetup(config)
        let dependencies: Dependencies
        do throws(DependencyError) {
            dependencies = try Dependencies(config, logger: logger, faults: chaos)
        } catch {
            throw StartError(exitCode: 2, description: "\(error)")
        }
        let audit = dependencies.postgres.map { AuditLog(pool: $0) }
        let ledger: LedgerSetup?
        let fourEyes: FourEyesSetup?
        let rateLimiter: RateLimiter?
        do throws(DependencyError) {
            ledger = try LedgerSetup.make(config, audit: audit, logger: Logger(label: "safemut.ledger"), faults: chaos.hook(.postgres))
            fourEyes = try FourEyesSetup.make(config, postgres: dependencies.postgres, logger: Logger(label: "safemut.four_eyes"))
            rateLimiter = try RateLimitSetup.make(config, redis: dependencies.redis, logger: Logger(label: "safemut.rate"))
        } catch {
            throw StartError(exitCode: 2, description: "\(error)")
        }
        if ledger == nil {
            logger.warning(config.budget.enabled
                ? "budget ledger disabled: database.url is not set, so mutations are forwarded without a debit"
                : "budget ledger disabled by budget.enabled: false, so mutations are forwarded without a debit")
        }
        if config.persistedQueries.bypass, let audit { auditBypassAtStart(audit, logger: logger) }

        let cutover: CutoverSetup
        do throws(DependencyError) {
            cutover = try CutoverSetup.make(config, dependencies: dependencies, logger: Logger(label: "safemut.cutover"))
        } catch {
            throw StartError(exitCode: 2, description: "\(error)")
        }
        // Before the listener opens: a restarted replica serves its first request at the
        // stage's weight, not at 0.
        cutover.start()
        let downshift = DownshiftSetup.make(config, dependencies: dependencies, logger: Logger(label: "safemut.downshift"))
        downshift.start()
        let pqLogger = Logger(label: "safemut.pq")
        let allowlist = PersistedQuerySetup.startStore(config, dependencies: dependencies, logger: pqLogger)
        let admission: ConfiguredPipeline
        let trust: ManifestTrust
        do {
            admission = try ConfiguredPipeline(
                config, allowlist: allowlist, canary: cutover.live, downshift: downshift.gate, fourEyes: fourEyes?.step, rateLimiter: rateLimiter,
                ledger: ledger?.ledger,
                apq: PersistedQuerySetup.apqRegistry(config, dependencies: dependencies, logger: pqLogger), logger: pqLogger)
            trust = try ManifestTrust(config.persistedQueries)
        } catch {
            PersistedQuerySetup.stop(allowlist)
            cutover.stop()
            downshift.stop()
            throw StartError(exitCode: 2, description: "\(error)")
        }

        let workers = dependencies.postgres.flatMap { pool in
            audit.map { WorkersService(config: config, postgres: pool, audit: $0, logger: Logger(label: "safemut.workers")) }
        }
        let budgetLogger = Logger(label: "safemut.budget")
        let budgetEndpoints = dependencies.postgres.map {
            BudgetAdmin(pool: $0, canary: CanaryRule(cleanDays: config.canary.cleanDays), logger: budgetLogger).endpoints
        } ?? BudgetAdmin.unavailableEndpoints()
        let budgetHealth = BudgetHealth(pool: dependencies.postgres, staleGrace: config.workers.reconcileInterval, logger: budgetLogger)
        let apiEndpoints = PersistedQueryAdmin(
            gate: admission.persistedQueries, store: allowlist, trust: trust, audit: audit, logger: pqLogger).endpoints
            + budgetEndpoints
            + (workers?.endpoints ?? [])
            + (audit.map { AuditAdmin(log: $0, logger: Logger(label: "safemut.audit")).endpoints } ?? [])
            + (fourEyes?.endpoints ?? [])
            + (dependencies.postgres.map { GateAdmin(pool: $0, logger: Logger(label: "safemut.gates")).endpoints } ?? GateAdmin.unavailableEndpoints())
            + cutover.endpoints
            + downshift.endpoints
            + chaos.endpoints(audit: audit, logger: Logger(label: "safemut.chaos"))
            + AlertHistoryAdmin(
                prometheus: config.promQL.url.flatMap { try? PrometheusRange(url: $0) }, audit: audit,
                clock: { Int64(Date().timeIntervalSince1970 * 1_000) }).endpoints
        let ui: AdminUI
        do throws(DependencyError) {
            ui = AdminUI(api: apiEndpoints, csrf: try AdminUISetup.csrf(config))
        } catch {
            throw StartError(exitCode: 2, description: "\(error)")
        }
        let adminAPI = AdminAPI(
            authenticator: admission.authenticator,
            endpoints: apiEndpoints + ui.endpoints,
            maxInflatedBodyBytes: config.server.maxInflatedBodyBytes,
            logger: Logger(label: "safemut.admin"))
        let gateway: Gateway
        do {
            let steps = Set(admission.pipeline.steps.map(\.name))
            gateway = try Gateway(
                settings: GatewaySettings(config), pipeline: admission.pipeline, dependencies: dependencies,
                adminAPI: adminAPI, persistedQueries: admission.persistedQueries, checkBudget: budgetHealth.check,
                registry: registry, chaos: chaos, logger: logger,
                onScrape: { [cache = admission.documentCache, rateLimiter] metrics in
                    metrics.recordParseCache(hits: cache.hits, misses: cache.misses)
                    // The rate step stays in the chain while SIGHUP turns rate.enabled off.
                    let rateOff = rateLimiter.map { !$0.configuration.enabled } ?? true
                    metrics.recordSteps(enabled: rateOff ? steps.subtracting(["rate"]) : steps)
                })
        } catch {
            PersistedQuerySetup.stop(allowlist)
            cutover.stop()
            downshift.stop()
            throw StartError(exitCode: 3, description: "start failed: \(error) (listen \(config.listen.host):\(config.listen.port))")
        }
        let budgetGauges = dependencies.postgres.map {
            BudgetGauges(pool: $0, ledger: ledger?.ledger, logger: Logger(label: "safemut.ledger"))
        }
        budgetGauges?.start()
        fourEyes?.start()
        workers?.start()
        let runtime = GatewayRuntime(
            gateway: gateway, admission: admission, dependencies: dependencies, ledger: ledger, fourEyes: fourEyes,
            rateLimiter: rateLimiter, allowlist: allowlist, budgetGauges: budgetGauges, workers: workers, cutover: cutover,
            downshift: downshift)
        var metadata = runtime.startMetadata(config)
        metadata["config"] = "\(configPath ?? "(defaults)")"
        logger.notice("listening", metadata: metadata)
        return runtime
    }

    private init(
        gateway: Gateway, admission: ConfiguredPipeline, dependencies: Dependencies, ledger: LedgerSetup?,
        fourEyes: FourEyesSetup?, rateLimiter: RateLimiter?, allowlist: AllowlistStore?, budgetGauges: BudgetGauges?,
        workers: WorkersService?, cutover: CutoverSetup, downshift: DownshiftSetup
    ) {
        self.cutover = cutover
        self.downshift = downshift
        self.gateway = gateway
        self.admission = admission
        self.dependencies = dependencies
        self.ledger = ledger
        self.fourEyes = fourEyes
        self.rateLimiter = rateLimiter
        self.allowlist = allowlist
        self.budgetGauges = budgetGauges
        self.workers = workers
    }

    /// SIGHUP, after the file was re-read: what changes live (rates, JWKS keys).
    public func apply(_ config: SafemutConfig, logger: Logger) {
        rateLimiter?.update(config.rate)
        do {
            if let keys = try admission.authenticator.reloadKeys() {
                logger.notice("jwks reloaded", metadata: ["jwks.keys": "\(keys.keys.count)"])
            }
        } catch {
            logger.error("jwks reload rejected, keeping the keys in force", metadata: ["error": "\(error)"])
        }
    }

    /// SIGTERM: stop the background work, drain in-flight requests, flush settlements.
    /// Returns whether the drain finished in time and the settlements were flushed.
    public func stop() -> (drained: Bool, settled: Bool) {
        PersistedQuerySetup.stop(allowlist)
        budgetGauges?.stop()
        fourEyes?.stop()
        downshift.stop()
        cutover.stop()
        workers?.stopAndWait()
        var settled = true
        let drained = gateway.shutdown { [ledger] in
            settled = ledger?.stop() ?? true
        }
        return (drained, settled)
    }

    /// The start-up log line's fields: where it listens and which checks run.
    func startMetadata(_ config: SafemutConfig) -> Logger.Metadata {
        [
            "listen": "\(config.listen.host):\(gateway.port)",
            "upstream": "\(config.upstream.url)",
            "canary.upstream": "\(config.cutover.upstreamURL.map(\.description) ?? "off")",
            "event_loops": "\(config.server.eventLoops)",
            "postgres": "\(dependencies.postgres == nil ? "off" : "on")",
            "redis": "\(dependencies.redis == nil ? "off" : "on")",
            "pq.phase": "\(config.persistedQueries.phase.rawValue)",
            "pq.bypass": "\(config.persistedQueries.bypass)",
            "budget.ledger": "\(ledger == nil ? "off" : "on")",
            "budget.fail_mode": "\(config.budget.failMode.rawValue)",
            "four_eyes": "\(fourEyes == nil ? "off" : (config.opa.url == nil ? "in-process" : "opa"))",
            "rate": "\(rateLimiter == nil ? "off" : config.rate.enabled ? "on" : "disabled")",
            "rate.fail_mode": "\(config.rate.failMode.rawValue)",
            "environment": "\(config.environment)",
            "version": "\(SafemutVersion.current)",
        ]
    }

    /// The emergency switch set from the environment at start is recorded like one flipped
    /// at run time.
    private static func auditBypassAtStart(_ audit: AuditLog, logger: Logger) {
        Task {
            do {
                try await audit.append(AuditEntry(
                    action: "pq.bypass.start", actor: "safemut", reason: "PQ_BYPASS / pq.bypass on at start", details: .object([])))
            } catch {
                logger.error("PQ bypass at start not audited", metadata: ["error": "\(error)"])
            }
        }
    }
}
