import ArgumentParser
import Config
import Dispatch
import Foundation
import Gateway
import Identity
import Admin
import Audit
import BudgetAdmin
import FourEyes
import Ledger
import Workers
import PersistedQueries
import RateLimit
import Logging
import Prometheus
import Sockets
import Telemetry

/// `safemut serve`: run the gateway until SIGTERM or SIGINT.
///
/// SIGHUP re-reads the configuration: the log level changes live; keys
/// that need new sockets or threads (listen, event loops, limits) are
/// reported as needing a restart. SIGTERM stops accepting, lets in-flight
/// requests finish (up to `server.drain_timeout_ms`) and exits 0.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        // First, so a SIGTERM or SIGHUP during start-up is queued, not lost or fatal.
        let signals = SignalWaiter(signals: [SIGTERM, SIGINT, SIGHUP])
        let path = options.resolvedPath
        let config: SafemutConfig
        do {
            config = try SafemutConfig.load(path: path, environment: ProcessInfo.processInfo.environment, cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let gaps = config.enforcementGaps()
        if !gaps.isEmpty {
            FileHandle.standardError.write(Data((
                "safemut: environment \(config.environment) is listed in require_enforcement; refusing to start without:\n"
                + gaps.map { "  \($0)\n" }.joined()).utf8))
            throw ExitCode(2)
        }
        let levelControl = LogLevelControl(Logger.Level(rawValue: config.log.level.rawValue) ?? .info)
        Bootstrap.logging(format: LogOutputFormat(rawValue: config.log.format.rawValue) ?? .json, level: levelControl)
        let registry = PrometheusCollectorRegistry()
        Bootstrap.metrics(registry: registry)
        let logger = Logger(label: "safemut")

        let dependencies: Dependencies
        do {
            dependencies = try Dependencies(config, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let audit = dependencies.postgres.map { AuditLog(pool: $0) }
        let workers = dependencies.postgres.flatMap { pool in
            audit.map { WorkersService(config: config, postgres: pool, audit: $0, logger: Logger(label: "safemut.workers")) }
        }
        let ledgerSetup: LedgerSetup?
        do {
            ledgerSetup = try LedgerSetup.make(config, audit: audit, logger: Logger(label: "safemut.ledger"))
        } catch {
            FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if ledgerSetup == nil {
            if config.budget.enabled {
                logger.warning("budget ledger disabled: database.url is not set, so mutations are forwarded without a debit")
            } else {
                logger.warning("budget ledger disabled by budget.enabled: false, so mutations are forwarded without a debit")
            }
        }
        let budgetGauges = dependencies.postgres.map {
            BudgetGauges(pool: $0, ledger: ledgerSetup?.ledger, logger: Logger(label: "safemut.ledger"))
        }
        budgetGauges?.start()
        if config.persistedQueries.bypass, let audit {
            // The emergency switch set from the environment at start is recorded like one flipped at run time.
            Task {
                do {
                    try await audit.append(AuditEntry(
                        action: "pq.bypass.start", actor: "safemut", reason: "PQ_BYPASS / pq.bypass on at start",
                        details: .object([])))
                } catch {
                    logger.error("PQ bypass at start not audited", metadata: ["error": "\(error)"])
                }
            }
        }
        let fourEyes: FourEyesSetup?
        let rateLimiter: RateLimiter?
        do {
            fourEyes = try FourEyesSetup.make(config, postgres: dependencies.postgres, logger: Logger(label: "safemut.four_eyes"))
            rateLimiter = try RateLimitSetup.make(config, redis: dependencies.redis, logger: Logger(label: "safemut.rate"))
        } catch {
            FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            throw ExitCode(2)
        }
        fourEyes?.start()
        let admission: ConfiguredPipeline
        let trust: ManifestTrust
        let pqLogger = Logger(label: "safemut.pq")
        let allowlist = PersistedQuerySetup.startStore(config, dependencies: dependencies, logger: pqLogger)
        let apq = PersistedQuerySetup.apqRegistry(config, dependencies: dependencies, logger: pqLogger)
        do {
            admission = try ConfiguredPipeline(
                config, allowlist: allowlist, fourEyes: fourEyes?.step, rateLimiter: rateLimiter, ledger: ledgerSetup?.ledger,
                apq: apq, logger: pqLogger)
            trust = try ManifestTrust(config.persistedQueries)
        } catch {
            FileHandle.standardError.write(Data("safemut: \(error)\n".utf8))
            PersistedQuerySetup.stop(allowlist)
            fourEyes?.stop()
            throw ExitCode(2)
        }
        let budgetLogger = Logger(label: "safemut.budget")
        let budgetEndpoints = dependencies.postgres.map {
            BudgetAdmin(pool: $0, canary: CanaryRule(cleanDays: config.canary.cleanDays), logger: budgetLogger).endpoints
        } ?? BudgetAdmin.unavailableEndpoints()
        let budgetHealth = BudgetHealth(pool: dependencies.postgres, staleGrace: config.workers.reconcileInterval, logger: budgetLogger)
        let adminAPI = AdminAPI(
            authenticator: admission.authenticator,
            endpoints: PersistedQueryAdmin(
                gate: admission.persistedQueries, store: allowlist, trust: trust, audit: audit, logger: pqLogger).endpoints
                + budgetEndpoints
                + (workers?.endpoints ?? [])
                + (audit.map { AuditAdmin(log: $0, logger: Logger(label: "safemut.audit")).endpoints } ?? [])
                + (fourEyes?.endpoints ?? []),
            maxInflatedBodyBytes: config.server.maxInflatedBodyBytes,
            logger: Logger(label: "safemut.admin"))
        let gateway: Gateway
        do {
            gateway = try Gateway(
                settings: GatewaySettings(config), pipeline: admission.pipeline, dependencies: dependencies,
                adminAPI: adminAPI, persistedQueries: admission.persistedQueries, checkBudget: budgetHealth.check,
                registry: registry, logger: logger,
                onScrape: { [cache = admission.documentCache, steps = Set(admission.pipeline.steps.map(\.name)), rateLimiter] metrics in
                    metrics.recordParseCache(hits: cache.hits, misses: cache.misses)
                    // The rate step stays in the chain while SIGHUP turns rate.enabled off.
                    let rateOff = rateLimiter.map { !$0.configuration.enabled } ?? true
                    metrics.recordSteps(enabled: rateOff ? steps.subtracting(["rate"]) : steps)
                })
        } catch {
            logger.critical("start failed", metadata: ["error": "\(error)", "listen": "\(config.listen)"])
            throw ExitCode(3)
        }
        logger.notice("listening", metadata: [
            "listen": "\(config.listen.host):\(gateway.port)",
            "upstream": "\(config.upstream.url)",
            "event_loops": "\(config.server.eventLoops)",
            "config": "\(path ?? "(defaults)")",
            "postgres": "\(dependencies.postgres == nil ? "off" : "on")",
            "redis": "\(dependencies.redis == nil ? "off" : "on")",
            "pq.phase": "\(config.persistedQueries.phase.rawValue)",
            "pq.bypass": "\(config.persistedQueries.bypass)",
            "budget.ledger": "\(ledgerSetup == nil ? "off" : "on")",
            "budget.fail_mode": "\(config.budget.failMode.rawValue)",
            "four_eyes": "\(fourEyes == nil ? "off" : (config.opa.url == nil ? "in-process" : "opa"))",
            "rate": "\(rateLimiter == nil ? "off" : config.rate.enabled ? "on" : "disabled")",
            "rate.fail_mode": "\(config.rate.failMode.rawValue)",
            "version": "\(SafemutVersion.current)",
        ])
        workers?.start()

        var current = config
        while true {
            let signo = signals.next()
            if signo == SIGHUP {
                current = reload(from: path, current: current, levelControl: levelControl, logger: logger)
                rateLimiter?.update(current.rate)
                reloadKeys(admission.authenticator, logger: logger)
                continue
            }
            logger.notice("draining", metadata: ["signal": "\(signo)", "in_flight": "\(gateway.server.counters.requestsInFlight)"])
            PersistedQuerySetup.stop(allowlist)
            budgetGauges?.stop()
            fourEyes?.stop()
            workers?.stopAndWait()
            var settled = true
            let clean = gateway.shutdown {
                settled = ledgerSetup?.stop() ?? true
            }
            logger.notice("stopped", metadata: ["drained": "\(clean)", "settlements_flushed": "\(settled)"])
            return
        }
    }

    /// SIGHUP: re-read the JWKS file; a bad file keeps the keys in force.
    private func reloadKeys(_ authenticator: Authenticator, logger: Logger) {
        do {
            if let keys = try authenticator.reloadKeys() {
                logger.notice("jwks reloaded", metadata: ["jwks.keys": "\(keys.keys.count)"])
            }
        } catch {
            logger.error("jwks reload rejected, keeping the keys in force", metadata: ["error": "\(error)"])
        }
    }

    /// SIGHUP: re-read the file and apply what can change live.
    private func reload(from path: String?, current: SafemutConfig, levelControl: LogLevelControl, logger: Logger) -> SafemutConfig {
        let fresh: SafemutConfig
        do {
            fresh = try SafemutConfig.load(path: path, environment: ProcessInfo.processInfo.environment, cpuCount: ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            logger.error("reload rejected, keeping the running configuration", metadata: ["error": "\(error)"])
            return current
        }
        if let level = Logger.Level(rawValue: fresh.log.level.rawValue) {
            levelControl.set(level)
        }
        let reload = ConfigReload(running: current, file: fresh)
        logger.notice("configuration reloaded", metadata: [
            "log.level": "\(fresh.log.level.rawValue)",
            "changed": "\(reload.changed.joined(separator: ","))",
            "needs_restart": "\(reload.needsRestart.joined(separator: ","))",
        ])
        return reload.running
    }
}
