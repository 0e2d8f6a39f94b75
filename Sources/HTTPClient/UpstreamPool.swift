import HTTP
import Sockets
import Synchronization

/// Receives one upstream response, on the pool's loop.
public protocol UpstreamResponseDelegate: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead)
    func upstreamBody(_ bytes: [UInt8])
    func upstreamEnd()
    /// The exchange failed; `responseStarted` says whether a head was already delivered.
    func upstreamFailed(_ error: UpstreamError, responseStarted: Bool)
}

/// One request to send upstream, already stripped of hop-by-hop headers.
public struct UpstreamRequest {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// May be re-sent after its bytes went out on a reused connection that
    /// then broke without answering (GET/HEAD only; never a mutation).
    public var idempotent: Bool

    public init(head: HTTPRequestHead, body: [UInt8], idempotent: Bool) {
        self.head = head
        self.body = body
        self.idempotent = idempotent
    }
}

/// Counts across all loops' pools, for /metrics.
public final class UpstreamPoolCounters: Sendable {
    let open = Atomic<Int>(0)
    let idle = Atomic<Int>(0)
    let reused = Atomic<Int>(0)
    let retried = Atomic<Int>(0)
    public init() {}
    public var openConnections: Int { open.load(ordering: .relaxed) }
    public var idleConnections: Int { idle.load(ordering: .relaxed) }
    public var reusedRequests: Int { reused.load(ordering: .relaxed) }
    public var retriedRequests: Int { retried.load(ordering: .relaxed) }
}

/// The keep-alive pool of upstream connections of one event loop.
///
/// Loop-confined: the proxy runs each client's upstream exchange on the
/// client's own loop, so no lock is needed and no request changes threads.
public final class UpstreamPool {
    public let loop: EventLoop
    public let configuration: UpstreamConfiguration
    let counters: UpstreamPoolCounters
    let address: SocketAddress
    var idle: [UpstreamConnection] = []
    var busyConnections: [ObjectIdentifier: UpstreamConnection] = [:]
    private var waiters: [(exchange: UpstreamExchange, since: UInt64)] = []
    let readBuffer: UnsafeMutableRawBufferPointer

    public init(loop: EventLoop, configuration: UpstreamConfiguration, counters: UpstreamPoolCounters) throws(AddressError) {
        self.loop = loop
        self.configuration = configuration
        self.counters = counters
        self.address = try SocketAddress(host: configuration.host, port: configuration.port)
        self.readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        scheduleSweep()
    }

    deinit {
        readBuffer.deallocate()
    }

    var totalConnections: Int { idle.count + busyConnections.count }

    /// Idle time after which a pooled connection is probed before reuse.
    static let probeAfterIdleNanos: UInt64 = 50_000_000

    /// Sends `request` and reports the response to `delegate`. Returns the
    /// exchange, which the caller may pause, resume or cancel.
    @discardableResult
    public func execute(_ request: UpstreamRequest, delegate: any UpstreamResponseDelegate) -> UpstreamExchange {
        loop.assertInLoop()
        let exchange = UpstreamExchange(request: request, delegate: delegate, pool: self)
        assign(exchange)
        return exchange
    }

    /// Finds a connection for `exchange`: a live idle one, a new one, or a place in the queue.
    func assign(_ exchange: UpstreamExchange) {
        while let connection = idle.popLast() {
            counters.idle.subtract(1, ordering: .relaxed)
            // A pooled connection the upstream closed while idle is dropped
            // before any byte is sent: this is the safe retry. An upstream
            // close normally arrives as an event and retires the connection;
            // the MSG_PEEK probe (one syscall) covers the close that raced
            // with that event, which matters only after an idle spell long
            // enough for an upstream keep-alive timeout to fire.
            if Syscall.monotonicNanos() &- connection.idleSince > Self.probeAfterIdleNanos, connection.peerHasClosed() {
                connection.closeSilently()
                continue
            }
            markBusy(connection)
            counters.reused.add(1, ordering: .relaxed)
            connection.start(exchange, reused: true)
            return
        }
        if totalConnections < configuration.maxConnectionsPerLoop {
            let connection = UpstreamConnection(pool: self)
            markBusy(connection)
            connection.connect(then: exchange)
            return
        }
        if waiters.count >= configuration.maxWaiters {
            exchange.fail(.poolExhausted)
            return
        }
        waiters.append((exchange, Syscall.monotonicNanos()))
    }

    private func markBusy(_ connection: UpstreamConnection) {
        busyConnections[ObjectIdentifier(connection)] = connection
    }

    /// A connection finished its exchange and may be reused.
    func release(_ connection: UpstreamConnection) {
        busyConnections[ObjectIdentifier(connection)] = nil
        if let next = nextWaiter() {
            markBusy(connection)
            counters.reused.add(1, ordering: .relaxed)
            connection.start(next, reused: true)
            return
        }
        if idle.count >= configuration.maxIdlePerLoop {
            connection.closeSilently()
            return
        }
        idle.append(connection)
        counters.idle.add(1, ordering: .relaxed)
        connection.becameIdle()
    }

    /// A connection closed (any state); a waiter may now open a new one.
    func forget(_ connection: UpstreamConnection) {
        busyConnections[ObjectIdentifier(connection)] = nil
        if let index = idle.firstIndex(where: { $0 === connection }) {
            idle.remove(at: index)
            counters.idle.subtract(1, ordering: .relaxed)
        }
        if let next = nextWaiter() {
            assign(next)
        }
    }

    private func nextWaiter() -> UpstreamExchange? {
        while !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            if !waiter.exchange.isFinished { return waiter.exchange }
        }
        return nil
    }

    /// Timeouts: connect, read, and queue waits, checked every 100 ms.
    private func scheduleSweep() {
        loop.scheduleTimer(afterNanos: 100_000_000) { [weak self] in
            guard let self else { return }
            let now = Syscall.monotonicNanos()
            for connection in Array(self.busyConnections.values) {
                connection.checkTimeout(now: now)
            }
            while let first = self.waiters.first, now &- first.since > self.configuration.connectTimeoutNanos {
                self.waiters.removeFirst()
                first.exchange.fail(.poolExhausted)
            }
            self.scheduleSweep()
        }
    }

    /// Closes idle connections (shutdown).
    public func closeIdle() {
        for connection in idle { connection.closeSilently() }
    }
}

/// One request's trip upstream: its state and its link to the delegate.
public final class UpstreamExchange {
    let request: UpstreamRequest
    /// Strong while the exchange runs and cleared when it ends (finish, fail,
    /// cancel): a weak reference would cost a side-table allocation per request.
    private(set) var delegate: (any UpstreamResponseDelegate)?
    /// `unowned(unsafe)`: a pool lives as long as its event loop and outlives
    /// every exchange it runs; this avoids refcount traffic per access.
    unowned(unsafe) let pool: UpstreamPool
    weak var connection: UpstreamConnection?
    private(set) var isFinished = false
    var responseStarted = false
    var attempts = 0
    /// Set by the caller when the downstream cannot take more body now.
    public private(set) var isPaused = false

    init(request: UpstreamRequest, delegate: any UpstreamResponseDelegate, pool: UpstreamPool) {
        self.request = request
        self.delegate = delegate
        self.pool = pool
    }

    /// Stops reading the upstream until `resume()` (downstream backpressure).
    public func pause() {
        isPaused = true
        connection?.updateInterest()
    }

    public func resume() {
        guard isPaused else { return }
        isPaused = false
        connection?.resumeDelivery()
    }

    /// The client went away: drop the upstream connection (its response is unwanted).
    public func cancel() {
        guard !isFinished else { return }
        isFinished = true
        delegate = nil
        connection?.abandon()
    }

    func deliverHead(_ head: HTTPResponseHead) {
        responseStarted = true
        delegate?.upstreamHead(head)
    }

    func deliverBody(_ bytes: [UInt8]) {
        delegate?.upstreamBody(bytes)
    }

    func finish() {
        guard !isFinished else { return }
        isFinished = true
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamEnd()
    }

    func fail(_ error: UpstreamError) {
        guard !isFinished else { return }
        isFinished = true
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamFailed(error, responseStarted: responseStarted)
    }
}
