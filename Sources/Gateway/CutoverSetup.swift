import Config
import Contract
import Cutover
import Cutovers
import Foundation
import GateChecks
import HTTPClient
import Logging
import Redis

/// The canary cutover parts `serve` runs with (issue 15): the live routing the canary step
/// reads, the engine that keeps it current and judges, and the `/admin/cutover*` routes.
/// Without Postgres there is no shared state: no step, and the routes say so (503).
struct CutoverSetup: Sendable {
    let live: CutoverLive?
    let engine: CutoverEngine?
    let endpoints: [AdminEndpoint]

    static func make(_ config: SafemutConfig, dependencies: Dependencies, logger: Logger) throws(DependencyError) -> CutoverSetup {
        let freeze: [FreezeWindow]
        switch config.cutover.parsedFreezeWindows() {
        case .success(let windows): freeze = windows
        case .failure(let error): throw DependencyError(key: "canary.freeze_windows", message: error.description)
        }
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
            freeze: freeze,
            gateStanding: { [runs = GateRunStore(pool: postgres), maxAge = cutover.gateMaxAge.components.seconds * 1_000_000, logger] gates in
                do {
                    return try await runs.standing(of: gates, maxAgeMicros: maxAge, nowMicros: Int64(Date().timeIntervalSince1970 * 1_000_000))
                } catch {
                    logger.warning("cannot read gate runs for a promotion", metadata: ["error": "\(error)"])
                    return Dictionary(uniqueKeysWithValues: gates.map { ($0, "gate runs unreadable: \(error)") })
                }
            },
            logger: logger)
        // The same pool settings the gateway gives the canary arm.
        let canary = cutover.upstreamURL.map { GatewaySettings.upstream($0, config) }
        let healthPath = cutover.healthPath
        let probe: @Sendable () async -> String? = {
            guard let canary else { return "no canary upstream: set canary.upstream.url" }
            return await Self.probe(canary, path: healthPath)
        }
        return CutoverSetup(live: live, engine: engine, endpoints: CutoverAdmin(engine: engine, config: cutover, probeCanary: probe).endpoints)
    }

    /// `GET path` on the canary with a 3 s deadline: nil when it answers 2xx.
    static func probe(_ upstream: UpstreamConfiguration, path: String) async -> String? {
        let caller: HTTPCaller
        do {
            caller = try HTTPCaller(configuration: upstream, name: "safemut-canary-probe")
        } catch {
            return "\(error)"
        }
        defer { caller.shutdown() }
        switch await caller.call(method: "GET", path: path, idempotent: true, timeoutMilliseconds: 3_000, maxResponseBytes: 64 << 10) {
        case .success(let answer) where (200..<300).contains(answer.status): return nil
        case .success(let answer): return "GET \(path) answered \(answer.status)"
        case .failure(let error): return "GET \(path): \(error)"
        }
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
