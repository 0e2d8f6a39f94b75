/// Which door a request came in by, as far as identifying it goes.
public enum IdentifiedRoute: Sendable, Equatable {
    /// `/graphql`: never the loopback operator.
    case graphQL
    /// `/admin/*`, with the method and the (inflated) body `LoopbackOperatorGuard` reads.
    case admin(method: String, body: [UInt8])
}
