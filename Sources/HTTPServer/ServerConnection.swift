#if canImport(Glibc)
import Glibc
#endif
import CSystem
import HTTP
import Sockets

/// One client connection: reads and decodes requests, hands each whole
/// request to the handler, writes responses in request order.
///
/// Loop-confined. One request is in flight at a time; pipelined requests
/// wait, decoded lazily, in the decoder's buffer (answered in order).
final class ServerConnection: EventHandler {
    let fd: Int32
    let peer: SocketAddress
    /// `unowned(unsafe)`: the loop state owns its connections and outlives
    /// them (it lives as long as the server); no refcounting per access.
    unowned(unsafe) let state: ServerLoopState
    private lazy var peerHost: String = peer.host

    var decoder: HTTPRequestDecoder
    var timer: ConnectionTimer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var requestStart: UInt64 = 0
    /// The responder of the request being handled, nil between requests.
    var responder: HTTPResponder?
    /// Set when the current response must be the last on this connection.
    var closeAfterResponse = false
    var closed = false

    // Output: bytes not yet accepted by the kernel.
    var output: [UInt8] = []
    var outputOffset = 0
    private var registeredEvents: UInt32 = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    private var readPaused = false
    /// Queued with the loop for an end-of-iteration flush.
    private var flushPending = false
    /// High-water mark for pending output; streaming producers pause above it.
    static let outputHighWater = 256 * 1024

    init(fd: Int32, peer: SocketAddress, state: ServerLoopState) {
        self.fd = fd
        self.peer = peer
        self.state = state
        self.decoder = HTTPRequestDecoder(limits: state.configuration.limits)
        self.timer = ConnectionTimer(timeouts: state.configuration.timeouts)
    }

    func started() {
        timer.enter(.keepAliveIdle, now: state.loop.now)
    }

    var pendingOutput: Int { output.count - outputOffset }

    // MARK: events

    func handleEvent(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 {
            flush()
            if closed { return }
        }
        if events & (EPOLLIN.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0, !readPaused {
            readAvailable()
        }
    }

    private func readAvailable() {
        // Bounded reads per wake-up: fairness between connections on one loop.
        for _ in 0..<4 {
            let result: Syscall.IOResult
            do {
                result = try Syscall.read(fd, into: state.readBuffer)
            } catch {
                close()
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .processed(0):
                // The client closed (or half-closed) its side. A request still in
                // flight is abandoned: nobody is left to read its answer.
                close()
                return
            case .processed(let n):
                if requestStart == 0 && decoder.isIdle { requestStart = Syscall.monotonicNanos() }
                decoder.append(UnsafeRawBufferPointer(rebasing: state.readBuffer[0..<n]))
                processRequests()
                if closed || readPaused { return }
                if n < state.readBuffer.count { return }
            }
        }
    }

    /// Decodes as far as possible while no request is in flight.
    func processRequests() {
        while responder == nil && !closed {
            let event: HTTPRequestEvent?
            do {
                event = try decoder.next()
            } catch {
                reject(status: error.status, message: error.description)
                return
            }
            guard let event else {
                updateIdleTimer()
                return
            }
            switch event {
            case .head(let requestHead):
                if requestStart == 0 { requestStart = Syscall.monotonicNanos() }
                head = requestHead
                body.removeAll(keepingCapacity: true)
                if requestHead.expectsContinue && requestHead.version == .http1_1 {
                    // The decoder already refused an over-limit Content-Length (413),
                    // so a client that sees 100 may send the body.
                    enqueue(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
                }
                timer.enter(.bodyIdle, now: state.loop.now)
            case .body(let bytes):
                body.append(contentsOf: bytes)
                timer.progressed(now: state.loop.now)
            case .end:
                guard let requestHead = head else { continue }
                dispatch(requestHead)
            }
        }
        // Backpressure on pipelining: stop reading while a request is in flight
        // and much is already buffered.
        if responder != nil && decoder.bufferedByteCount > state.configuration.limits.maxHeaderBytes {
            pauseReading()
        }
    }

    private func updateIdleTimer() {
        if head != nil {
            return  // reading a body: .bodyIdle set at head time
        }
        if decoder.isIdle {
            if timer.phase != .keepAliveIdle && timer.phase != .write { timer.enter(.keepAliveIdle, now: state.loop.now) }
            requestStart = 0
        } else {
            timer.enter(.header, now: state.loop.now)
        }
    }

    private func dispatch(_ requestHead: HTTPRequestHead) {
        let request = HTTPServerRequest(
            head: requestHead,
            body: body,
            peer: peerHost,
            startNanos: requestStart == 0 ? Syscall.monotonicNanos() : requestStart,
            loop: state.loop
        )
        head = nil
        body = []
        requestStart = 0
        closeAfterResponse = !requestHead.keepAlive || state.draining
        let responder = HTTPResponder(connection: self, request: request)
        self.responder = responder
        timer.enter(.none, now: state.loop.now)
        state.counters.requestStarted()
        state.handler.handle(request, responder: responder)
    }

    /// A framing error: answer its status, then close (RFC 9112: the stream
    /// can no longer be trusted, so nothing after it is read).
    private func reject(status: Int, message: String) {
        if responder != nil { return }
        let (errorHead, errorBody) = state.handler.errorResponse(status: status, message: message)
        var responseHead = errorHead
        responseHead.headers.replaceOrAdd(name: "Connection", value: "close")
        responseHead.headers.replaceOrAdd(name: "Content-Length", value: String(errorBody.count))
        var bytes: [UInt8] = []
        HTTPEncoder.encode(responseHead, into: &bytes)
        bytes.append(contentsOf: errorBody)
        closeAfterResponse = true
        pauseReading()
        enqueue(bytes)
        state.handler.responseCompleted(ResponseSummary(
            method: "-", path: "-", status: errorHead.status, bodyBytes: errorBody.count,
            durationNanos: requestStart == 0 ? 0 : Syscall.monotonicNanos() &- requestStart,
            requestID: errorHead.headers["X-Request-Id"], completed: true))
        closeIfFlushed()
    }

    // MARK: responses

    /// Called by the responder when its response is complete.
    func responseFinished(_ finished: HTTPResponder) {
        guard responder === finished else { return }
        responder = nil
        state.counters.requestFinished()
        if closeAfterResponse || state.draining {
            closeAfterResponse = true
            closeIfFlushed()
            return
        }
        resumeReading()
        processRequests()
    }

    func closeIfIdle() {
        if responder == nil && head == nil && pendingOutput == 0 {
            close()
        } else {
            closeAfterResponse = true
        }
    }

    private func closeIfFlushed() {
        if pendingOutput == 0 && responder == nil { close() }
    }

    func checkTimeout(now: UInt64) {
        guard let expiry = timer.expired(now: now) else { return }
        switch expiry {
        case .close:
            close()
        case .requestTimeout:
            reject(status: 408, message: "request timeout: the request was not received in time")
            if !closed && pendingOutput > 0 {
                // The client does not read either: give it one write timeout, then drop it.
                timer.enter(.write, now: now)
            }
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        // Count the connection gone before the peer can observe the close.
        state.remove(self)
        state.loop.unregister(fd)
        Syscall.close(fd)
        if let responder {
            self.responder = nil
            state.counters.requestFinished()
            responder.connectionClosed()
        }
    }

    // MARK: I/O plumbing

    /// Appends bytes to the output. They are sent at the end of this loop
    /// iteration, so a head, its body and the next pipelined answer leave
    /// in one `send` instead of one each.
    func enqueue(_ bytes: [UInt8]) {
        guard !closed else { return }
        if pendingOutput == 0 {
            output = bytes
            outputOffset = 0
        } else {
            output.append(contentsOf: bytes)
        }
        if !flushPending {
            flushPending = true
            state.scheduleFlush(self)
        }
    }

    /// End of iteration: send what was enqueued.
    func flushScheduled() {
        flushPending = false
        flush()
    }

    func flush() {
        while pendingOutput > 0 && !closed {
            let result: Syscall.IOResult
            do {
                result = try output.withUnsafeBytes { raw throws(SocketError) in
                    try Syscall.write(fd, UnsafeRawBufferPointer(rebasing: raw[outputOffset...]))
                }
            } catch {
                close()
                return
            }
            switch result {
            case .wouldBlock:
                if timer.phase != .write { timer.enter(.write, now: state.loop.now) }
                updateInterest()
                return
            case .processed(let n):
                outputOffset += n
                if timer.phase == .write { timer.progressed(now: state.loop.now) }
            }
        }
        if closed { return }
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        outputOffset = 0
        if timer.phase == .write {
            timer.enter(responder == nil ? .keepAliveIdle : .none, now: state.loop.now)
        }
        updateInterest()
        if closeAfterResponse && responder == nil {
            close()
            return
        }
        responder?.outputDrained()
    }

    private func pauseReading() {
        guard !readPaused else { return }
        readPaused = true
        updateInterest()
    }

    private func resumeReading() {
        guard readPaused else { return }
        readPaused = false
        updateInterest()
    }

    private func updateInterest() {
        guard !closed else { return }
        var events: UInt32 = 0
        if !readPaused { events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if pendingOutput > 0 { events |= EPOLLOUT.rawValue }
        if events != registeredEvents {
            registeredEvents = events
            try? state.loop.modify(fd, events: events)
        }
    }
}
