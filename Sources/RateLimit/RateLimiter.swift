import Kit
import Ports
import Config
import Logging
import Redis
import Synchronization

/// Token buckets in Redis per tenant and per tenant and mutation root field, taken all or
/// nothing by one script (`TokenBucketScript`) on the Redis clock, so any number of gateway
/// replicas share them. The rate table lives in a `Mutex` so SIGHUP swaps it (`update`)
/// while requests run.
public final class RateLimiter: Sendable {
    private struct Table: Sendable {
        var config: RateLimitConfig
        /// Tenants that get their own metric label (named in config); the rest are `other`.
        var labelled: Set<String>

        init(_ config: RateLimitConfig) {
            self.config = config
            labelled = Set(config.canaryTenants).union(config.tenants.keys)
        }
    }

    let redis: RedisClient
    let metrics: RateLimitMetrics
    private let table: Mutex<Table>
    private let failures: FailureLog
    /// Bounds each check's wait for Redis without a timer per request.
    let deadlines = Deadlines()

    public init(
        redis: RedisClient, config: RateLimitConfig, metrics: RateLimitMetrics = RateLimitMetrics(),
        logger: Logger = Logger(label: "safemut.rate")
    ) {
        self.redis = redis
        self.metrics = metrics
        self.table = Mutex(Table(config))
        self.failures = FailureLog(logger: logger)
    }

    /// The configuration in force.
    public var configuration: RateLimitConfig { table.withLock { $0.config } }

    /// Swaps the rates (SIGHUP). Stored buckets keep their tokens; a lower burst caps them at
    /// the next check.
    public func update(_ config: RateLimitConfig) {
        let fresh = Table(config)
        table.withLock { $0 = fresh }
    }

    /// Checks and takes one token from `tenant`'s bucket and one per occurrence of each of
    /// `fields` from that field's bucket. Counts the outcome, and logs a failure (at most
    /// once a second per kind).
    public func check(tenant: String, fields: [String], requestID: String = "", rateFactorPerMille: Int = 1_000) async -> RateLimitVerdict {
        let (config, labelled) = table.withLock { ($0.config, $0.labelled.contains(tenant)) }
        guard config.enabled else { return .disabled }
        let plan = BucketPlan(tenant: tenant, fields: fields, limits: config.limits(for: tenant).scaled(perMille: rateFactorPerMille))
        let clock = ContinuousClock()
        let start = clock.now
        let result = await run(plan, timeout: config.timeout)
        let elapsed = clock.now - start
        switch result {
        case .success(nil):
            metrics.checked("allowed", after: elapsed)
            return .allowed
        case .success(let denial?):
            metrics.checked("limited", after: elapsed)
            metrics.hit(tenantLabel: labelled ? tenant : "other", scope: denial.scope)
            return .limited(denial)
        case .failure(let failure):
            metrics.failed(failure.kind)
            failures.record(failure, failMode: config.failMode.rawValue, tenant: tenant, requestID: requestID)
            switch config.failMode {
            case .open:
                metrics.checked("fail_open", after: elapsed)
                return .failedOpen(failure)
            case .closed:
                metrics.checked("fail_closed", after: elapsed)
                return .failedClosed(failure)
            }
        }
    }

    /// The script's answer: nil when allowed, the denial when a bucket was short.
    private func run(_ plan: BucketPlan, timeout: Duration) async -> Result<RateLimitDenial?, RateLimitFailure> {
        let redis = self.redis
        let timeoutFailure = RateLimitFailure(.timeout, "no answer from Redis within \(timeout)")
        // A Redis command cannot be cancelled; the request stops waiting at the timeout and the
        // late answer is dropped.
        return await deadlines.race(until: .now + timeout, onTimeout: .failure(timeoutFailure)) {
            () async -> Result<RateLimitDenial?, RateLimitFailure> in
            let reply: RedisReply
            do throws(RedisError) {
                reply = try await redis.evalSHA(TokenBucketScript.script, keys: plan.keys, arguments: plan.arguments)
            } catch {
                return .failure(RateLimitFailure(error))
            }
            guard let parts = reply.array, parts.count == 3,
                  let allowed = parts[0].integer, let index = parts[1].integer, let wait = parts[2].integer
            else {
                return .failure(RateLimitFailure(.script, "the bucket script answered \(reply)"))
            }
            if allowed == 1 { return .success(nil) }
            guard let denial = plan.denial(index: index, waitMicros: wait) else {
                return .failure(RateLimitFailure(.script, "the bucket script named bucket \(index) of \(plan.entries.count)"))
            }
            return .success(denial)
        }
    }
}

extension RateLimitFailure {
    /// Sorts a client error into the metric's kinds.
    init(_ error: RedisError) {
        switch error.kind {
        case .timeout:
            self.init(.timeout, error.message)
        case .circuitOpen:
            self.init(.breakerOpen, error.message)
        case .connectFailed, .connectionLost, .poolTimeout, .closed, .authenticationFailed, .invalidConfiguration:
            self.init(.connection, "\(error.kind.rawValue): \(error.message)")
        case .server, .protocolError, .replyTooLarge, .aborted:
            self.init(.script, "\(error.kind.rawValue): \(error.message)")
        }
    }
}

/// The rate step's port on Redis.
extension RateLimiter: RateCheck {}
