#if canImport(Glibc)
import Glibc
#endif
import CSystem
import HTTP
import Sockets

/// One keep-alive connection to the upstream. Loop-confined.
final class UpstreamConnection: EventHandler {
    private enum Phase { case connecting, sending, receiving, idle, closed }

    /// `unowned(unsafe)`: the pool outlives its connections (it lives as long
    /// as its loop); this avoids refcount traffic on every access.
    unowned(unsafe) let pool: UpstreamPool
    private var fd: Int32 = -1
    private var phase: Phase = .connecting
    private var exchange: UpstreamExchange?
    private var decoder = HTTPResponseDecoder()
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var bytesSent = 0
    private var reused = false
    private var deadline: UInt64 = 0
    private var registeredEvents: UInt32 = 0
    private var responseKeepAlive = true
    /// When the connection last went back to the pool (monotonic ns).
    private(set) var idleSince: UInt64 = 0

    init(pool: UpstreamPool) {
        self.pool = pool
    }

    // MARK: lifecycle

    /// Opens a new connection, then sends `exchange` on it.
    func connect(then exchange: UpstreamExchange) {
        self.exchange = exchange
        exchange.connection = self
        do {
            fd = try Syscall.socket(domain: pool.address.family, type: Int32(SOCK_STREAM.rawValue))
            _ = try? Syscall.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            pool.counters.open.add(1, ordering: .relaxed)
            let connected = try Syscall.connect(fd, pool.address)
            registeredEvents = EPOLLOUT.rawValue
            try pool.loop.register(fd, events: registeredEvents, handler: self)
            deadline = Syscall.monotonicNanos() &+ pool.configuration.connectTimeoutNanos
            if connected { connectFinished() }
        } catch {
            fail(.connectFailed(error))
        }
    }

    private func connectFinished() {
        let error = Syscall.pendingError(fd)
        if error != 0 {
            fail(.connectFailed(SocketError("connect", errno: error)))
            return
        }
        guard let exchange else { return }
        start(exchange, reused: false)
    }

    /// Sends `exchange`'s request on this (connected) connection.
    func start(_ exchange: UpstreamExchange, reused: Bool) {
        self.exchange = exchange
        self.reused = reused
        exchange.connection = self
        exchange.attempts += 1
        phase = .sending
        bytesSent = 0
        decoder.expectResponse(toMethod: exchange.request.head.method)
        var head = exchange.request.head
        head.headers.replaceOrAdd(name: "Content-Length", value: String(exchange.request.body.count))
        if head.method == "GET" || head.method == "HEAD", exchange.request.body.isEmpty {
            head.headers.remove(name: "Content-Length")
        }
        output.removeAll(keepingCapacity: true)
        HTTPEncoder.encode(head, into: &output)
        output.append(contentsOf: exchange.request.body)
        outputOffset = 0
        deadline = Syscall.monotonicNanos() &+ pool.configuration.readTimeoutNanos
        flush()
    }

    func becameIdle() {
        phase = .idle
        idleSince = Syscall.monotonicNanos()
        exchange = nil
        deadline = 0
        // Watch an idle connection so an upstream close is noticed and it leaves the pool.
        setInterest(EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
    }

    func peerHasClosed() -> Bool {
        Syscall.peerHasClosed(fd)
    }

    // MARK: events

    func handleEvent(_ events: UInt32) {
        switch phase {
        case .connecting:
            connectFinished()
        case .sending:
            if events & EPOLLOUT.rawValue != 0 { flush() }
            if phase == .receiving || events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                readAvailable()
            }
        case .receiving:
            readAvailable()
        case .idle:
            // Anything on an idle connection (close, stray bytes) retires it.
            closeSilently()
        case .closed:
            break
        }
    }

    private func flush() {
        while outputOffset < output.count {
            let result: Syscall.IOResult
            do {
                result = try output.withUnsafeBytes { raw throws(SocketError) in
                    try Syscall.write(fd, UnsafeRawBufferPointer(rebasing: raw[outputOffset...]))
                }
            } catch {
                brokeWhileSending(error as? SocketError ?? SocketError("send", errno: EIO))
                return
            }
            switch result {
            case .wouldBlock:
                setInterest(EPOLLOUT.rawValue | EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
                return
            case .processed(let n):
                outputOffset += n
                bytesSent += n
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputOffset = 0
        phase = .receiving
        updateInterest()
    }

    private func readAvailable() {
        for _ in 0..<4 {
            guard phase == .receiving || phase == .sending, let exchange, !exchange.isPaused else {
                updateInterest()
                return
            }
            let result: Syscall.IOResult
            do {
                result = try Syscall.read(fd, into: pool.readBuffer)
            } catch {
                brokeWhileReceiving("\(error)")
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(0):
                // The upstream closed: hand over what is buffered (a body that
                // ends on close ends here), then anything unfinished is a break.
                responseKeepAlive = false
                do {
                    while self.exchange != nil, let event = try decoder.finishOnClose() {
                        handle(event)
                    }
                } catch {
                    brokeWhileReceiving("upstream closed the connection mid-response")
                    return
                }
                if phase != .closed && self.exchange != nil {
                    brokeWhileReceiving("upstream closed the connection mid-response")
                }
                return
            case .processed(let n):
                deadline = Syscall.monotonicNanos() &+ pool.configuration.readTimeoutNanos
                decoder.append(UnsafeRawBufferPointer(rebasing: pool.readBuffer[0..<n]))
                if !drainEvents() { return }
                if n < pool.readBuffer.count { return }
            }
        }
    }

    /// Hands decoded events to the exchange until the decoder needs bytes,
    /// the exchange pauses, or the response ends. False when this connection
    /// is no longer receiving.
    @discardableResult
    private func drainEvents() -> Bool {
        while let exchange = self.exchange, !exchange.isPaused, phase == .receiving || phase == .sending {
            let event: HTTPResponseEvent?
            do {
                event = try decoder.next()
            } catch {
                failResponse(.invalidResponse(error))
                return false
            }
            guard let event else { return true }
            handle(event)
        }
        return phase == .receiving || phase == .sending
    }

    private func handle(_ event: HTTPResponseEvent) {
        guard let exchange else { return }
        switch event {
        case .head(let head):
            if head.status < 200 { return }  // interim (100 Continue): the final head follows
            responseKeepAlive = head.keepAlive
            exchange.deliverHead(head)
        case .body(let bytes):
            exchange.deliverBody(bytes)
        case .end:
            let keep = responseKeepAlive && exchange.request.head.keepAlive && decoder.bufferedByteCount == 0
            self.exchange = nil
            exchange.connection = nil
            deadline = 0
            if keep {
                phase = .idle
                pool.release(self)
            } else {
                closeSilently()
            }
            exchange.finish()
        }
    }

    /// Called when the downstream can take more again.
    func resumeDelivery() {
        updateInterest()
        if drainEvents() { readAvailable() }
    }

    func checkTimeout(now: UInt64) {
        guard deadline != 0, now >= deadline else { return }
        switch phase {
        case .connecting: fail(.connectTimeout)
        case .sending, .receiving:
            if exchange?.isPaused == true { return }  // the client is slow, not the upstream
            failResponse(.readTimeout)
        case .idle, .closed: break
        }
    }

    // MARK: failures

    /// A write failed. Retry only if this was a reused connection and not a
    /// single byte of the request went out (the upstream cannot have seen it).
    private func brokeWhileSending(_ error: SocketError) {
        if let exchange, reused, bytesSent == 0 {
            retry(exchange)
            return
        }
        failResponse(.connectionReset("\(error)"))
    }

    /// The connection broke before or during the response.
    private func brokeWhileReceiving(_ why: String) {
        if let exchange, reused, !exchange.responseStarted, exchange.request.idempotent, exchange.attempts < 2 {
            retry(exchange)
            return
        }
        failResponse(.connectionReset(why))
    }

    private func retry(_ exchange: UpstreamExchange) {
        self.exchange = nil
        pool.counters.retried.add(1, ordering: .relaxed)
        closeSilently()
        pool.assign(exchange)
    }

    private func fail(_ error: UpstreamError) {
        failResponse(error)
    }

    private func failResponse(_ error: UpstreamError) {
        let exchange = self.exchange
        self.exchange = nil
        closeSilently()
        exchange?.fail(error)
    }

    /// The exchange was cancelled: close without reporting.
    func abandon() {
        exchange = nil
        closeSilently()
    }

    func closeSilently() {
        guard phase != .closed else { return }
        let wasOpen = fd >= 0
        phase = .closed
        if wasOpen {
            pool.loop.unregister(fd)
            Syscall.close(fd)
            pool.counters.open.subtract(1, ordering: .relaxed)
            fd = -1
        }
        pool.forget(self)
    }

    // MARK: interest

    func updateInterest() {
        guard phase != .closed, fd >= 0 else { return }
        var events: UInt32 = 0
        if outputOffset < output.count { events |= EPOLLOUT.rawValue }
        if phase == .idle || !(exchange?.isPaused ?? false) { events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        setInterest(events)
    }

    private func setInterest(_ events: UInt32) {
        guard events != registeredEvents, fd >= 0 else { return }
        registeredEvents = events
        try? pool.loop.modify(fd, events: events)
    }
}
