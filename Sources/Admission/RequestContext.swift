import Contract
import Cutover
import Foundation
import GraphQLAnalysis
import HTTP
import Identity
import Kit
import Logging

/// Everything the admission steps know about one request. Steps read it and
/// fill it in (identity, parsed operation, estimate) as the chain proceeds.
public struct RequestContext: Sendable {
    /// `X-Request-Id`: taken from the request or generated; echoed on the
    /// response and used as the ledger's and audit log's correlation id.
    public var requestID: String
    public var head: HTTPRequestHead
    /// The request body after de-chunking and gzip inflation.
    public var body: [UInt8]
    /// Client address.
    public var peer: String
    /// Logger with `request.id` metadata.
    public var logger: Logger
    /// Monotonic start time of the request (nanoseconds).
    public var startNanos: UInt64
    /// Whether the client connected from loopback (for the operator fallback).
    public var peerIsLoopback: Bool
    /// Who is calling, once the identify step ran.
    public var identity: Identity?
    /// The GraphQL request and the operation it runs, once parsed.
    public var graphQLRequest: GraphQLRequest?
    /// Whether the document came from a persisted-query store (the allowlist or the APQ
    /// registry) rather than from the client, so it is not registered again.
    public var apqResolved = false
    /// The parsed document (shared with the parse cache), for the allowlist's normalized hash.
    public var document: AnalyzedDocument?
    public var operation: OperationAnalysis?
    /// What a mutation is declared to cost, once the budget step ran.
    public var estimate: Estimate?
    /// The upstream arm the canary step chose; nil: stable, no cutover routing traffic.
    public var arm: Arm?
    /// The downshift tier's factor on this request's rate limits, per mille (1000: none).
    public var rateFactorPerMille = 1_000
    /// False when the downshift tier samples this request out of the access log.
    public var accessLogged = true
    /// The admitted steps' post phases, in the order they registered (see `StepCompletion`).
    public private(set) var completions: [any StepCompletion] = []

    /// Registers this step's post phase: it hears how the request ended.
    public mutating func onCompletion(_ completion: any StepCompletion) {
        completions.append(completion)
    }

    /// Hands the post phases to whoever forwards the request; the context keeps none.
    public mutating func takeCompletions() -> [any StepCompletion] {
        defer { completions = [] }
        return completions
    }

    /// Tenant, once identified; used by logs and metrics.
    public var tenant: String? { identity?.tenant }

    /// The request's `Idempotency-Key` (at most one, 1–255 visible ASCII characters), read
    /// the same way by every step that needs it: the debit step refuses a malformed one,
    /// four-eyes treats it as absent.
    public var idempotencyKey: Result<String?, Rejection> {
        let values = head.headers.values(for: "Idempotency-Key")
        guard let value = values.first else { return .success(nil) }
        guard values.count == 1 else { return .failure(Rejection(.badRequest, "Idempotency-Key sent more than once")) }
        let key = value.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.utf8.count <= 255, key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return .failure(Rejection(.badRequest, "Idempotency-Key must be 1 to 255 visible ASCII characters"))
        }
        return .success(key)
    }

    public init(requestID: String, head: HTTPRequestHead, body: [UInt8], peer: String, logger: Logger, startNanos: UInt64) {
        self.requestID = requestID
        self.head = head
        self.body = body
        self.peer = peer
        self.logger = logger
        self.startNanos = startNanos
        self.peerIsLoopback = PeerAddress.isLoopback(peer)
    }
}

extension RequestContext {
    /// Whose calls the steps make now, for faults scoped by tenant, operation or arm.
    public var callScope: CallScope {
        CallScope(tenant: tenant, operationType: operation?.kind.rawValue, rootFields: operation?.rootFields.map(\.name) ?? [], arm: arm?.rawValue)
    }
}
