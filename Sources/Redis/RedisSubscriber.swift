import Foundation
import Logging
import Synchronization

/// Redis pub/sub on a connection of its own (a subscribed connection can run
/// nothing else, so it never shares the client's multiplexed ones).
///
/// One dedicated thread owns the connection: it waits in `poll` on the socket
/// and on a wake-up pipe, delivers each message to every stream subscribed to
/// its channel, and sends `SUBSCRIBE`/`UNSUBSCRIBE` as streams come and go.
/// When the connection fails (Redis restarted, killed, network gone) it
/// reconnects with exponential backoff and subscribes again to every channel
/// still wanted. Messages published while it is disconnected are lost — that
/// is pub/sub's contract, not a client choice.
public final class RedisSubscriber: Sendable {
    /// How long to wait between reconnect attempts: `initial`, doubling up to `maximum`.
    public struct Backoff: Sendable {
        public var initial: Duration
        public var maximum: Duration

        public init(initial: Duration = .milliseconds(50), maximum: Duration = .seconds(2)) {
            self.initial = initial
            self.maximum = max(initial, maximum)
        }
    }

    public let configuration: RedisConfiguration
    let backoff: Backoff
    let logger: Logger
    /// Messages a stream holds for a slow consumer before the oldest are dropped.
    let bufferLimit: Int
    let wake = WakePipe()
    let state = Mutex(State())
    let delivered = Atomic<UInt64>(0)
    let dropped = Atomic<UInt64>(0)

    struct Registration {
        let channels: Set<String>
        let continuation: AsyncStream<RedisMessage>.Continuation
    }

    struct State {
        var registrations: [UInt64: Registration] = [:]
        var nextID: UInt64 = 0
        var closed = false
        var connected = false
        var connects: UInt64 = 0

        /// Every channel some stream still wants.
        var wanted: Set<String> {
            registrations.values.reduce(into: Set<String>()) { $0.formUnion($1.channels) }
        }
    }

    public init(
        configuration: RedisConfiguration,
        backoff: Backoff = Backoff(),
        bufferLimit: Int = 1024,
        logger: Logger = Logger(label: "safemut.redis.subscriber")
    ) {
        self.configuration = configuration
        self.backoff = backoff
        self.bufferLimit = max(1, bufferLimit)
        self.logger = logger
        let initialDelay = backoff.initial
        // The thread holds the subscriber only for one bounded turn at a time,
        // so dropping the last reference ends it even without `close()`.
        let thread = Thread { [weak self] in
            let link = SubscriberLink(delay: initialDelay)
            while let subscriber = self, subscriber.turn(link) {}
            link.drop()
        }
        thread.name = "redis-subscriber"
        thread.start()
    }

    /// A subscriber for `REDIS_URL` with default backoff.
    public convenience init(url: String) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url))
    }

    /// Messages published on any of `channels`, from the moment the server has
    /// the subscription (within a round trip, or after the next reconnect).
    /// Ending the iteration (or cancelling its task) unsubscribes the channels
    /// no other stream wants. The stream finishes when the subscriber closes.
    public func subscribe(_ channels: [String]) -> AsyncStream<RedisMessage> {
        let (stream, continuation) = AsyncStream.makeStream(of: RedisMessage.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        let id = state.withLock { s -> UInt64? in
            if s.closed { return nil }
            s.nextID += 1
            s.registrations[s.nextID] = Registration(channels: Set(channels), continuation: continuation)
            return s.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.state.withLock { _ = $0.registrations.removeValue(forKey: id) }
            self.wake.wake()
        }
        wake.wake()
        return stream
    }

    /// Whether the subscription connection is up right now.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Counters for metrics.
    public func stats() -> RedisSubscriberStats {
        state.withLock { s in
            RedisSubscriberStats(
                connected: s.connected, connects: s.connects, streams: s.registrations.count,
                channels: s.wanted.count, delivered: delivered.load(ordering: .relaxed), dropped: dropped.load(ordering: .relaxed)
            )
        }
    }

    /// Finishes every stream and stops the thread (which closes the connection).
    public func close() {
        let registrations = state.withLock { s -> [Registration] in
            s.closed = true
            defer { s.registrations = [:] }
            return Array(s.registrations.values)
        }
        registrations.forEach { $0.continuation.finish() }
        wake.wake()
    }

    deinit {
        // Without `close()`, streams would wait forever: finish them here.
        let registrations = state.withLock { s -> [Registration] in
            s.closed = true
            defer { s.registrations = [:] }
            return Array(s.registrations.values)
        }
        registrations.forEach { $0.continuation.finish() }
    }
}

/// Subscriber counters for `/metrics`.
public struct RedisSubscriberStats: Sendable {
    public let connected: Bool
    /// Successful connections since start (more than one means it reconnected).
    public let connects: UInt64
    /// Open streams and the distinct channels they want.
    public let streams: Int
    public let channels: Int
    /// Messages handed to streams, and those a full stream buffer dropped.
    public let delivered: UInt64
    public let dropped: UInt64
}
