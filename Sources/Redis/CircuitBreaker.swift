/// A circuit breaker as a pure state machine: closed → open after
/// `failureThreshold` consecutive availability failures → half-open after
/// `coolDown`, where one probe call decides: success closes, failure reopens.
/// Time is passed in, so tests drive it with literal instants.
public struct CircuitBreaker: Sendable {
    public struct Configuration: Sendable {
        public var failureThreshold: Int
        public var coolDown: Duration

        public init(failureThreshold: Int = 5, coolDown: Duration = .seconds(2)) {
            self.failureThreshold = max(1, failureThreshold)
            self.coolDown = coolDown
        }
    }

    public enum State: String, Sendable, Equatable {
        case closed, open, halfOpen = "half_open"

        /// The gauge value for `/metrics`: 0 closed, 1 half-open, 2 open.
        public var gaugeValue: Int {
            switch self {
            case .closed: return 0
            case .halfOpen: return 1
            case .open: return 2
            }
        }
    }

    /// What a caller may do now.
    public enum Decision: Sendable, Equatable {
        /// Make the call.
        case allow
        /// Make the call as the single half-open probe; its outcome decides the state.
        case probe
        /// Do not call; fail fast.
        case reject
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    private var openedAt: ContinuousClock.Instant?
    private var probeInFlight = false

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Asks whether a call may go out at `now`.
    public mutating func admit(now: ContinuousClock.Instant) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open:
            guard let openedAt, now - openedAt >= configuration.coolDown else { return .reject }
            state = .halfOpen
            probeInFlight = true
            return .probe
        case .halfOpen:
            if probeInFlight { return .reject }
            probeInFlight = true
            return .probe
        }
    }

    /// A call succeeded (or failed in a way that proves the server is alive).
    public mutating func recordSuccess() {
        state = .closed
        consecutiveFailures = 0
        probeInFlight = false
        openedAt = nil
    }

    /// A call failed for availability reasons at `now`.
    public mutating func recordFailure(now: ContinuousClock.Instant) {
        consecutiveFailures += 1
        probeInFlight = false
        switch state {
        case .halfOpen:
            state = .open
            openedAt = now
        case .closed where consecutiveFailures >= configuration.failureThreshold:
            state = .open
            openedAt = now
        case .closed, .open:
            break
        }
    }
}
