import Config
import Downshift
import HTTPClient
import Kit
import Logging
import Synchronization

/// The ladder's synthetic checks (SPEC §12, seed 004 "synthetic requests confirm core flows
/// remain green at each tier"): each `downshift.synthetic.<name>` document is sent through
/// this gateway's own listener — the whole chain, as the synthetic tenant, a marked ledger
/// account — after every tier change and every interval. A failing P0 check stops the
/// automatic ladder from escalating (`synthetic_check_success{check,tier,priority}`).
public final class SyntheticChecks: Sendable {
    public struct Check: Sendable, Equatable {
        public var name: String
        public var query: String
        public var priority: Int
    }

    public struct Result: Sendable, Equatable {
        public var check: String
        public var priority: Int
        public var tier: DownshiftTier
        public var status: Int?
        public var ok: Bool
        public var detail: String
    }

    let checks: [Check]
    let caller: HTTPCaller?
    let tenant: String
    let engine: DownshiftEngine
    let interval: Duration
    let logger: Logger
    private let last = Mutex<[Result]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let pending = Mutex<Bool>(false)

    public init(config: DownshiftConfig, listen: HostPort, engine: DownshiftEngine, logger: Logger) {
        checks = config.synthetic.sorted { $0.key < $1.key }.compactMap { name, check in
            check.query.map { Check(name: name, query: $0, priority: check.priority ?? 0) }
        }
        let host = listen.host == "0.0.0.0" || listen.host == "::" ? "127.0.0.1" : listen.host
        caller = checks.isEmpty ? nil : try? HTTPCaller(
            configuration: UpstreamConfiguration(
                host: host, port: listen.port, basePath: "", maxIdlePerLoop: 1, maxConnectionsPerLoop: 2,
                connectTimeoutMs: 2_000, readTimeoutMs: 10_000),
            name: "safemut-synthetic")
        tenant = config.syntheticTenant
        self.engine = engine
        interval = config.syntheticInterval
        self.logger = logger
    }

    public var results: [Result] { last.withLock { $0 } }

    public func start() {
        guard !checks.isEmpty else { return }
        let tenant = self.tenant
        let store = engine.store
        let logger = self.logger
        engine.whenTierChanges { [weak self] _ in
            guard let self else { return }
            Task { await self.runAll() }
        }
        let interval = self.interval
        task.withLock { $0 = Task { [weak self] in
            do {
                try await store?.ensureSyntheticTenant(tenant)
            } catch {
                logger.error("the synthetic tenant's ledger account cannot be created; the checks will be refused", metadata: ["error": "\(error)"])
            }
            // Let the listener open before the first run.
            try? await Task.sleep(for: .seconds(1))
            while !Task.isCancelled {
                guard let self else { return }
                await self.runAll()
                try? await Task.sleep(for: interval)
            }
        } }
    }

    public func stop() {
        task.withLock { $0?.cancel() }
        caller?.shutdown()
    }

    /// Runs every check once at the tier in force (one run at a time).
    public func runAll() async {
        guard let caller else { return }
        guard pending.withLock({ busy in defer { busy = true }; return !busy }) else { return }
        defer { pending.withLock { $0 = false } }
        let tier = engine.live.tier
        var results: [Result] = []
        for check in checks {
            let body = JSONValue.object([JSONMember("query", .string(check.query))]).serialized
            let answer = await caller.call(
                method: "POST", path: "/graphql",
                headers: [("Content-Type", "application/json"), ("X-Tenant", tenant), ("X-User-Id", "safemut-synthetic"), ("X-Synthetic-Check", check.name)],
                body: Array(body.utf8), idempotent: false, timeoutMilliseconds: 10_000)
            let result: Result
            switch answer {
            case .failure(let error):
                result = Result(check: check.name, priority: check.priority, tier: tier, status: nil, ok: false, detail: "\(error)")
            case .success(let response):
                let json = try? JSONValue.parse(response.body)
                let errors = json?["errors"]?.arrayValue ?? []
                let ok = response.status == 200 && errors.isEmpty
                let detail = ok ? "200" : "\(response.status): \(errors.first?["message"]?.stringValue ?? String(decoding: response.body.prefix(200), as: UTF8.self))"
                result = Result(check: check.name, priority: check.priority, tier: tier, status: response.status, ok: ok, detail: detail)
            }
            engine.metrics.synthetic(check: check.name, priority: check.priority, tier: tier, success: result.ok)
            if !result.ok {
                logger.log(level: check.priority == 0 ? .error : .notice, "synthetic check failed", metadata: [
                    "synthetic.check": "\(check.name)", "synthetic.priority": "P\(check.priority)", "downshift.tier": "\(tier.rawValue)",
                    "synthetic.detail": "\(result.detail)",
                ])
            }
            results.append(result)
        }
        last.withLock { $0 = results }
        // A P0 flow failing means the ladder is hurting what it must protect: stop escalating.
        engine.blockEscalation(results.contains { $0.priority == 0 && !$0.ok })
    }
}
