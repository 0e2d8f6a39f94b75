/// A failure from the Redis client, typed so callers (and the breaker) can decide.
public struct RedisError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// `REDIS_URL` could not be parsed.
        case invalidConfiguration
        /// TCP connect failed or timed out.
        case connectFailed
        /// AUTH refused, or the server demands AUTH we did not send (`NOAUTH`, `WRONGPASS`).
        case authenticationFailed
        /// No reply within the command timeout.
        case timeout
        /// The connection broke (EOF, reset) before the reply was complete.
        case connectionLost
        /// The server sent bytes that are not RESP.
        case protocolError
        /// The reply grew past `maxReplyBytes`; the connection was dropped.
        case replyTooLarge
        /// Dropped in flight because the connection it was pipelined on had to be
        /// closed for another command's sake (that one's reply was too large).
        /// The server may have run it; the server itself is fine.
        case aborted
        /// The circuit breaker is open: Redis was failing, so we did not try.
        case circuitOpen
        /// The server answered with an error reply (`-ERR …`, `-NOSCRIPT …`); see `message`.
        case server
        /// No pooled connection became free within the acquire timeout.
        case poolTimeout
        /// The client was closed.
        case closed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The first word of a server error reply (`NOSCRIPT`, `WRONGTYPE`, `ERR`), else nil.
    public var serverCode: String? {
        guard kind == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// Whether this failure says Redis itself is unavailable (counts toward opening the breaker).
    public var isAvailabilityFailure: Bool {
        switch kind {
        case .connectFailed, .timeout, .connectionLost, .authenticationFailed, .protocolError: return true
        default: return false
        }
    }

    public var description: String { "RedisError.\(kind.rawValue): \(message)" }
}
