/// Which timeout a connection is currently exposed to, and when it expires.
///
/// A pure value: the connection sets a phase whenever its state changes and
/// the loop's sweep asks `expired(now:)`. Tested with literal clock values.
public struct ConnectionTimer: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// Nothing to time: the handler owns the request (upstream timeouts apply).
        case none
        /// Waiting for the next request on a keep-alive connection.
        case keepAliveIdle
        /// Some bytes of a request head have arrived, not all.
        case header
        /// Reading a request body.
        case bodyIdle
        /// Response bytes are pending and the socket is not writable.
        case write
    }

    /// What the sweep should do with an expired connection.
    public enum Expiry: Sendable, Equatable {
        /// Close silently (idle keep-alive, stalled write).
        case close
        /// Answer 408 Request Timeout, then close (slow head or body).
        case requestTimeout
    }

    public private(set) var phase: Phase = .none
    public private(set) var deadline: UInt64 = 0
    private let timeouts: HTTPServerConfiguration.Timeouts

    public init(timeouts: HTTPServerConfiguration.Timeouts) {
        self.timeouts = timeouts
    }

    /// Enters `phase` at `now`. Re-entering `.header` keeps the original
    /// deadline: a slowloris trickling one byte at a time must not extend it.
    public mutating func enter(_ phase: Phase, now: UInt64) {
        if phase == .header && self.phase == .header { return }
        self.phase = phase
        switch phase {
        case .none: deadline = 0
        case .keepAliveIdle: deadline = now &+ timeouts.keepAliveIdle
        case .header: deadline = now &+ timeouts.header
        case .bodyIdle: deadline = now &+ timeouts.bodyIdle
        case .write: deadline = now &+ timeouts.write
        }
    }

    /// Progress in the current phase (body bytes read, response bytes written)
    /// pushes an idle deadline out; the header deadline is absolute.
    public mutating func progressed(now: UInt64) {
        switch phase {
        case .bodyIdle: deadline = now &+ timeouts.bodyIdle
        case .write: deadline = now &+ timeouts.write
        case .none, .keepAliveIdle, .header: break
        }
    }

    /// Whether the deadline has passed at `now`, and what to do about it.
    public func expired(now: UInt64) -> Expiry? {
        guard phase != .none, now >= deadline else { return nil }
        switch phase {
        case .header, .bodyIdle: return .requestTimeout
        case .keepAliveIdle, .write, .none: return .close
        }
    }
}
