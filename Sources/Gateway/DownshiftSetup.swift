import Config
import Contract
import Downshift
import Downshifts
import Foundation
import GateChecks
import Logging
import Ports
import Redis

/// The cost downshift ladder `serve` runs with (issue 17): the shared tier the downshift
/// step reads, the engine that follows it and moves it with the money burn, the synthetic
/// checks, and `/admin/downshift`. Without Postgres there is no shared tier: no step, and
/// the routes say so (503).
struct DownshiftSetup: Sendable {
    let gate: (any DownshiftGate)?
    let engine: DownshiftEngine?
    let synthetic: SyntheticChecks?
    let endpoints: [AdminEndpoint]

    static func make(_ config: SafemutConfig, dependencies: Dependencies, logger: Logger) -> DownshiftSetup {
        guard config.downshift.enabled, let postgres = dependencies.postgres else {
            return DownshiftSetup(gate: nil, engine: nil, synthetic: nil, endpoints: DownshiftAdmin.unavailableEndpoints())
        }
        let downshift = config.downshift
        let live = DownshiftLive(table: downshift.table, clock: { Int64(Date().timeIntervalSince1970) })
        let prometheus = config.promQL.url.flatMap { try? PrometheusRange(url: $0) }
        let engine = DownshiftEngine(
            live: live, store: DownshiftStore(pool: postgres), redis: dependencies.redis,
            subscriber: config.redis.url.flatMap { try? RedisSubscriber(url: $0) }, metrics: DownshiftMetrics(),
            burns: BudgetBurnReader(budgets: config.finOps.budgets, pool: postgres, prometheus: prometheus),
            rule: downshift.autoRule, autoEnabled: downshift.autoEnabled, interval: downshift.interval, poll: downshift.poll,
            maxTTLMinutes: Int64(downshift.maxTTLMinutes), logger: logger)
        // The checks speak as the synthetic tenant in identity headers: a gateway that verifies
        // JWTs would refuse every one, which would read as a P0 outage and block escalation.
        var checks = downshift
        if config.identity.mode != .headers && !checks.synthetic.isEmpty {
            logger.error("downshift.synthetic is set but identity.mode is not headers: the synthetic checks do not run")
            checks.synthetic = [:]
        }
        let synthetic = SyntheticChecks(config: checks, listen: config.listen, engine: engine, logger: logger)
        return DownshiftSetup(
            gate: DownshiftGateway(engine: engine, retryAfterSeconds: downshift.retryAfterSeconds), engine: engine, synthetic: synthetic,
            endpoints: DownshiftAdmin(engine: engine, synthetic: synthetic).endpoints)
    }

    /// Reads the tier before the listener opens (a restarted replica serves at the tier in force).
    func start() {
        guard let engine else { return }
        blockingWait { await engine.start() }
        synthetic?.start()
    }

    func stop() {
        synthetic?.stop()
        engine?.stop()
    }
}
