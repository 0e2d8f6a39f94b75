import Synchronization

/// Process-wide connection and request counts, read by /metrics and by the
/// drain logic. Atomics, so every loop updates them without locks.
public final class ServerCounters: Sendable {
    private let open = Atomic<Int>(0)
    private let inFlight = Atomic<Int>(0)
    private let accepted = Atomic<Int>(0)
    private let responders = Atomic<Int>(0)

    public init() {}

    public var openConnections: Int { open.load(ordering: .relaxed) }
    public var requestsInFlight: Int { inFlight.load(ordering: .relaxed) }
    public var acceptedConnections: Int { accepted.load(ordering: .relaxed) }
    /// Responders alive now; returns to 0 when idle, so tests can prove that
    /// nothing (a callback cycle, a lost exchange) keeps a request alive.
    public var liveResponders: Int { responders.load(ordering: .relaxed) }

    /// Returns the new open count.
    func connectionOpened() -> Int {
        accepted.add(1, ordering: .relaxed)
        return open.add(1, ordering: .relaxed).newValue
    }

    @discardableResult
    func connectionClosed() -> Int { open.subtract(1, ordering: .relaxed).newValue }
    func responderCreated() { responders.add(1, ordering: .relaxed) }
    func responderDestroyed() { responders.subtract(1, ordering: .relaxed) }
    func requestStarted() { inFlight.add(1, ordering: .relaxed) }
    func requestFinished() { inFlight.subtract(1, ordering: .relaxed) }
}
