import Contract
import Admin
import Admission
import HTTPClient
import HTTPServer
import Kit
import Logging
import PersistedQueries
import Prometheus
import Sockets

/// The running gateway: event loops, upstream pools, the HTTP server, the
/// admission pipeline and the admin routes, wired from settings. Nothing
/// else lives here.
public final class Gateway: Sendable {
    public let settings: GatewaySettings
    public let metrics: GatewayMetrics
    public let server: HTTPServer
    private let group: EventLoopGroup
    private let poolCounters: UpstreamPoolCounters
    private let pools: [ObjectIdentifier: LoopBound<UpstreamPool>]
    /// The canary arm's pools, one per loop like the stable arm's (own keep-alive connections).
    private let canaryPools: [ObjectIdentifier: LoopBound<UpstreamPool>]?

    /// Binds the listener and starts serving. `pipeline` is the ordered list
    /// of admission steps (empty: requests go straight upstream).
    public let dependencies: Dependencies

    public init(
        settings: GatewaySettings,
        pipeline: AdmissionPipeline = AdmissionPipeline([]),
        dependencies: Dependencies = Dependencies(),
        adminAPI: AdminAPI? = nil,
        persistedQueries: PersistedQueryGate? = nil,
        checkBudget: (@Sendable () async -> (status: Int, json: JSONValue))? = nil,
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        chaos: ChaosSetup? = nil,
        logger: Logger,
        onScrape: @escaping @Sendable (GatewayMetrics) -> Void = { _ in }
    ) throws {
        self.settings = settings
        self.dependencies = dependencies
        let group = try EventLoopGroup(count: settings.server.eventLoops, namePrefix: "safemut-loop")
        self.group = group
        let poolCounters = UpstreamPoolCounters()
        self.poolCounters = poolCounters
        var pools: [ObjectIdentifier: LoopBound<UpstreamPool>] = [:]
        for loop in group.loops {
            pools[ObjectIdentifier(loop)] = try Self.makePool(on: loop, settings.upstream, poolCounters)
        }
        self.pools = pools
        var canaryPools: [ObjectIdentifier: LoopBound<UpstreamPool>]?
        if let canary = settings.canaryUpstream {
            var made: [ObjectIdentifier: LoopBound<UpstreamPool>] = [:]
            for loop in group.loops {
                made[ObjectIdentifier(loop)] = try Self.makePool(on: loop, canary, UpstreamPoolCounters())
            }
            canaryPools = made
        }
        self.canaryPools = canaryPools
        let metrics = GatewayMetrics(registry: registry, version: settings.version)
        self.metrics = metrics
        let serverCounters = ServerCounters()
        let dependencyMetrics = DependencyMetrics(factory: metrics.factory, dependencies: dependencies)
        let pqMetrics = persistedQueries.map { PersistedQueryMetrics(gate: $0, factory: metrics.factory) }
        let admin = AdminRoutes(
            registry: registry, pools: pools, canaryPools: canaryPools, version: settings.version,
            checkDependencies: { await dependencies.check() },
            checkBudget: checkBudget ?? AdminRoutes.budgetNotConfigured,
            chaosSummary: { chaos?.summary() }
        ) {
            metrics.refreshGauges(server: serverCounters, upstream: poolCounters)
            dependencyMetrics.refresh()
            pqMetrics?.refresh()
            onScrape(metrics)
        }
        let handler = GatewayHandler(
            pools: pools,
            upstream: settings.upstream,
            canaryPools: canaryPools,
            canaryUpstream: settings.canaryUpstream,
            pipeline: pipeline,
            metrics: metrics,
            admin: admin,
            adminAPI: adminAPI,
            chaos: chaos,
            logger: logger,
            maxInflatedBodyBytes: settings.maxInflatedBodyBytes
        )
        do {
            self.server = try HTTPServer(configuration: settings.server, group: group, handler: handler, counters: serverCounters)
        } catch {
            group.shutdown()
            throw error
        }
    }

    /// The port the gateway listens on.
    public var port: Int { server.port }

    /// Graceful stop (SIGTERM): stop accepting, finish in-flight requests up
    /// to the drain timeout, then stop the loops. True when all drained.
    /// `beforeClosingStores` runs after the requests drained and before the data-store
    /// pools close (the ledger flushes its settlements there).
    @discardableResult
    public func shutdown(beforeClosingStores: () -> Void = {}) -> Bool {
        let clean = server.drain(timeoutNanos: settings.drainTimeoutNanos)
        beforeClosingStores()
        for bound in Array(pools.values) + Array((canaryPools ?? [:]).values) {
            try? bound.loop.runAndWait(timeoutNanos: 1_000_000_000) { bound.value.closeIdle() }
        }
        group.shutdown()
        dependencies.close()
        return clean
    }

    private static func makePool(on loop: EventLoop, _ configuration: UpstreamConfiguration, _ counters: UpstreamPoolCounters) throws -> LoopBound<UpstreamPool> {
        try loop.runAndWait {
            LoopBound(try UpstreamPool(loop: loop, configuration: configuration, counters: counters), loop: loop)
        }
    }
}

/// Why the gateway could not start.
public enum GatewayError: Error, CustomStringConvertible {
    case startFailed(String)
    public var description: String {
        switch self {
        case .startFailed(let why): return "gateway start failed: \(why)"
        }
    }
}
