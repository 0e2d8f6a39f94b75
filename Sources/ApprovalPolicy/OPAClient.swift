import HTTPClient

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
    private let caller: HTTPCaller

    /// Starts the client's loop and resolves `configuration.host` once (getaddrinfo, at
    /// start-up only). Throws `.connection` when the host does not resolve.
    public init(configuration: OPAClientConfiguration) throws(OPAError) {
        self.configuration = configuration
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
            caller = try HTTPCaller(configuration: upstream, name: "opa")
        } catch {
            throw .connection("\(error)")
        }
    }

    /// OPA's decision for `input`.
    public func evaluate(_ input: PolicyInput) async throws(OPAError) -> PolicyDecision {
        let answer = try await post(input.opaRequestBody).get()
        guard answer.status == 200 else { throw .badStatus(answer.status) }
        return try PolicyDecision(opaAnswer: answer.body)
    }

    /// POSTs `body` to the decision path and waits (without a thread) for the answer.
    func post(_ body: [UInt8]) async -> Result<HTTPCaller.Answer, OPAError> {
        let timeout = configuration.timeoutMilliseconds
        let result = await caller.call(
            method: "POST", path: OPAClientConfiguration.decisionPath,
            headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: body,
            // A decision is a pure read: re-sending it after a stale keep-alive
            // connection broke unanswered is safe.
            idempotent: true, timeoutMilliseconds: timeout, maxResponseBytes: configuration.maxResponseBytes)
        return result.mapError { OPAError($0, timeoutMilliseconds: timeout) }
    }

    /// Closes idle connections and stops the loop's thread. Decisions after this never answer.
    public func shutdown() {
        caller.shutdown()
    }
}
