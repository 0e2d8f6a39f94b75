import Config
import Contract
import Cutover
import Cutovers
import Foundation
import Logging
import Redis

/// The canary cutover parts `serve` runs with (issue 15): the live routing the canary step
/// reads, the engine that keeps it current and judges, and the `/admin/cutover*` routes.
/// Without Postgres there is no shared state: no step, and the routes say so (503).
struct CutoverSetup: Sendable {
    let live: CutoverLive?
    let engine: CutoverEngine?
    let endpoints: [AdminEndpoint]

    static func make(_ config: SafemutConfig, dependencies: Dependencies, logger: Logger) -> CutoverSetup {
        guard let postgres = dependencies.postgres else {
            if config.cutover.upstreamURL != nil {
                logger.warning("canary.upstream.url is set but database.url is not: no cutover can run without its shared state")
            }
            return CutoverSetup(live: nil, engine: nil, endpoints: CutoverAdminUnavailable.endpoints)
        }
        let cutover = config.cutover
        let rules = cutover.judgeRules
        let live = CutoverLive(
            forceRoles: Set(cutover.forceRoles), securityCodes: Set(cutover.securityCodes), include: Set(cutover.includeTenants),
            exclude: Set(cutover.excludeTenants), hasCanary: cutover.upstreamURL != nil,
            judge: Judge(rules: rules, minSamples: Int64(cutover.minSamples)),
            clock: { Int64(Date().timeIntervalSince1970) })
        let subscriber = config.redis.url.flatMap { url in try? RedisSubscriber(url: url) }
        let engine = CutoverEngine(
            live: live, store: CutoverStore(pool: postgres), redis: dependencies.redis, subscriber: subscriber,
            metrics: CutoverMetrics(rules: rules.map(\.name)), poll: cutover.poll, enabledAtStart: cutover.enable,
            logger: logger)
        return CutoverSetup(live: live, engine: engine, endpoints: CutoverAdmin(engine: engine, config: cutover).endpoints)
    }

    /// Reads the shared state before the listener opens, then keeps it current.
    func start() {
        guard let engine else { return }
        blockingWait { await engine.start() }
    }

    func stop() {
        engine?.stop()
    }
}
