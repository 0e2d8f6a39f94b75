#if canImport(Glibc)
import Glibc
#endif
import CSystem
import HTTP
import Sockets

/// Per-loop server state: the connections living on this loop, a shared read
/// buffer, the cached Date header, and the periodic timeout sweep.
/// Loop-confined (only touched on `loop`'s thread).
final class ServerLoopState {
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    let handler: any HTTPServerHandler
    let counters: ServerCounters
    var connections: [Int32: ServerConnection] = [:]
    var listener: Listener?
    var draining = false
    /// Connections with output written this iteration, flushed at its end.
    private var needsFlush: [ServerConnection] = []
    /// One read buffer per loop: a connection copies what it needs out of it.
    let readBuffer: UnsafeMutableRawBufferPointer
    private(set) var dateHeader: String = ""
    private var lastDateSecond: Int = -1

    static let sweepInterval: UInt64 = 100_000_000  // 100 ms

    init(loop: EventLoop, configuration: HTTPServerConfiguration, handler: any HTTPServerHandler, counters: ServerCounters) {
        self.loop = loop
        self.configuration = configuration
        self.handler = handler
        self.counters = counters
        self.readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 8)
        refreshDate()
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Queues `connection` for one `send` at the end of this loop iteration.
    func scheduleFlush(_ connection: ServerConnection) {
        needsFlush.append(connection)
    }

    /// Installs the end-of-iteration flush (once, at start).
    func startFlushing() {
        loop.addIterationObserver { [weak self] in
            guard let self else { return }
            // A flush can produce more output (a drained client resumes its
            // upstream); a few rounds settle that, and anything left wakes
            // the loop at once rather than waiting in epoll_wait.
            for _ in 0..<8 where !self.needsFlush.isEmpty {
                let batch = self.needsFlush
                self.needsFlush.removeAll(keepingCapacity: true)
                for connection in batch { connection.flushScheduled() }
            }
            if !self.needsFlush.isEmpty { self.loop.execute {} }
        }
    }

    /// Starts the periodic sweep that enforces connection timeouts.
    func startSweeping() {
        loop.scheduleTimer(afterNanos: Self.sweepInterval) { [weak self] in
            guard let self else { return }
            self.sweep()
            self.startSweeping()
        }
    }

    private func sweep() {
        refreshDate()
        let now = Syscall.monotonicNanos()
        for connection in Array(connections.values) {
            connection.checkTimeout(now: now)
        }
    }

    /// Keeps the RFC 9110 IMF-fixdate string for the Date header, once a second.
    private func refreshDate() {
        var t = time(nil)
        guard Int(t) != lastDateSecond else { return }
        lastDateSecond = Int(t)
        var tm = tm()
        gmtime_r(&t, &tm)
        var buffer = [Int8](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &tm)
        dateHeader = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func add(_ connection: ServerConnection) {
        connections[connection.fd] = connection
    }

    func remove(_ connection: ServerConnection) {
        connections[connection.fd] = nil
        if counters.connectionClosed() < configuration.maxConnections {
            listener?.resumeIfPaused()
        }
    }

    /// Drain: close idle connections now; busy ones close after their response.
    func beginDraining() {
        draining = true
        listener?.close()
        listener = nil
        for connection in Array(connections.values) {
            connection.closeIfIdle()
        }
    }

    /// Immediate stop: close everything.
    func closeAll() {
        listener?.close()
        listener = nil
        for connection in Array(connections.values) {
            connection.close()
        }
    }
}
