import HTTP
import HTTPClient
import Sockets

/// Asks an external OPA for the four-eyes decision over its REST data API
/// (`POST <opa.url>/v1/data/approval` with `{"input": …}`).
///
/// Requests go through the gateway's own upstream pool (HTTPClient) on one event loop
/// that this client owns: keep-alive connections, non-blocking sockets, and an awaiting
/// task that holds no thread while OPA thinks, so the cooperative pool is never blocked.
/// Every decision is bounded by `timeoutMilliseconds` end to end. Call `shutdown()` when
/// done; the loop's thread runs until then.
public final class OPAClient: Sendable {
    public let configuration: OPAClientConfiguration
    private let group: EventLoopGroup
    private let pool: LoopConfinedPool

    /// Starts the client's loop and resolves `configuration.host` once (getaddrinfo, at
    /// start-up only). Throws `.connection` when the host does not resolve.
    public init(configuration: OPAClientConfiguration) throws(OPAError) {
        self.configuration = configuration
        do {
            group = try EventLoopGroup(count: 1, namePrefix: "opa")
        } catch {
            throw .connection("cannot start the OPA client's event loop: \(error)")
        }
        let loop = group.loops[0]
        let upstream = UpstreamConfiguration(
            host: configuration.host,
            port: configuration.port,
            basePath: configuration.basePath,
            maxIdlePerLoop: configuration.maxIdleConnections,
            maxConnectionsPerLoop: configuration.maxConnections,
            connectTimeoutMs: configuration.timeoutMilliseconds,
            readTimeoutMs: configuration.timeoutMilliseconds,
            maxWaiters: 1024
        )
        do {
            pool = try loop.runAndWait {
                LoopConfinedPool(loop: loop, pool: try UpstreamPool(loop: loop, configuration: upstream, counters: UpstreamPoolCounters()))
            }
        } catch {
            group.shutdown()
            throw .connection("cannot resolve OPA host \(configuration.host): \(error)")
        }
    }

    /// OPA's decision for `input`.
    public func evaluate(_ input: PolicyInput) async throws(OPAError) -> PolicyDecision {
        let answer = try await post(input.opaRequestBody).get()
        guard answer.status == 200 else { throw .badStatus(answer.status) }
        return try PolicyDecision(opaAnswer: answer.body)
    }

    /// POSTs `body` to the decision path and waits (without a thread) for the answer.
    func post(_ body: [UInt8]) async -> Result<OPAExchange.Answer, OPAError> {
        let configuration = self.configuration
        let pool = self.pool
        return await withCheckedContinuation { continuation in
            pool.loop.execute {
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: configuration.hostHeader)
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Accept", value: "application/json")
                let request = UpstreamRequest(
                    head: HTTPRequestHead(method: "POST", target: configuration.decisionPath, headers: headers),
                    body: body,
                    // A decision is a pure read: re-sending it after a stale keep-alive
                    // connection broke unanswered is safe.
                    idempotent: true
                )
                let exchange = OPAExchange(
                    loop: pool.loop,
                    timeoutMilliseconds: configuration.timeoutMilliseconds,
                    maxResponseBytes: configuration.maxResponseBytes,
                    continuation: continuation
                )
                // The timer first: the pool may fail the exchange before `execute` returns.
                exchange.timer = pool.loop.scheduleTimer(afterNanos: UInt64(configuration.timeoutMilliseconds) * 1_000_000) {
                    exchange.timedOut()
                }
                exchange.upstream = pool.pool.execute(request, delegate: exchange)
            }
        }
    }

    /// Closes idle connections and stops the loop's thread. Decisions after this never answer.
    public func shutdown() {
        let pool = self.pool
        _ = try? pool.loop.runAndWait { pool.pool.closeIdle() }
        group.shutdown()
    }
}

/// The pool and the loop it belongs to.
/// `@unchecked Sendable`: `pool` is loop-confined and only touched inside `loop.execute`
/// or `loop.runAndWait` closures, i.e. on `loop`'s own thread; `loop` is Sendable.
final class LoopConfinedPool: @unchecked Sendable {  // guarded: loop-thread confinement (see above)
    let loop: EventLoop
    let pool: UpstreamPool

    init(loop: EventLoop, pool: UpstreamPool) {
        self.loop = loop
        self.pool = pool
    }
}
