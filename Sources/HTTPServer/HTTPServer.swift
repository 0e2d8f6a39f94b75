#if canImport(Glibc)
import Glibc
#endif
import CSystem
import HTTP
import Sockets

/// The HTTP/1.1 server: one listener and one set of connections per event loop.
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    public let group: EventLoopGroup
    public let counters: ServerCounters
    /// The port actually bound (useful with port 0).
    public let port: Int
    private let states: [LoopBound<ServerLoopState>]

    /// Binds the listeners and starts serving on `group`'s loops.
    /// `counters` may be created by the caller first, so code built before
    /// the server (the metrics route) can read them.
    public init(
        configuration: HTTPServerConfiguration, group: EventLoopGroup, handler: any HTTPServerHandler,
        counters: ServerCounters = ServerCounters()
    ) throws {
        self.counters = counters
        self.configuration = configuration
        self.group = group
        var address = try SocketAddress(hostPort: configuration.address)
        // Bind the first listener to learn the port (0 → a free one), then
        // bind the others to that same port with SO_REUSEPORT.
        var fds: [Int32] = []
        do {
            let first = try Listener.bind(address: address, backlog: configuration.backlog)
            fds.append(first)
            let port = Syscall.localPort(first)
            address = try SocketAddress(host: address.host, port: port)
            for _ in 1..<max(1, group.loops.count) {
                fds.append(try Listener.bind(address: address, backlog: configuration.backlog))
            }
            self.port = port
        } catch {
            for fd in fds { Syscall.close(fd) }
            throw error
        }
        var states: [LoopBound<ServerLoopState>] = []
        for (loop, fd) in zip(group.loops, fds) {
            let state = try loop.runAndWait { () throws -> LoopBound<ServerLoopState> in
                let state = ServerLoopState(loop: loop, configuration: configuration, handler: handler, counters: counters)
                let listener = Listener(fd: fd, state: state)
                try loop.register(fd, events: EPOLLIN.rawValue, handler: listener)
                state.listener = listener
                state.startSweeping()
                state.startFlushing()
                return LoopBound(state, loop: loop)
            }
            states.append(state)
        }
        self.states = states
    }

    /// Graceful stop: stop accepting, let in-flight requests finish (their
    /// responses carry `Connection: close`), close idle connections, and wait
    /// up to `timeoutNanos` for all connections to end; then close the rest.
    /// Returns true when everything drained in time.
    @discardableResult
    public func drain(timeoutNanos: UInt64) -> Bool {
        for bound in states {
            bound.loop.execute { bound.value.beginDraining() }
        }
        let deadline = Syscall.monotonicNanos() &+ timeoutNanos
        while counters.openConnections > 0 && Syscall.monotonicNanos() < deadline {
            usleep(10_000)
        }
        let clean = counters.openConnections == 0
        closeAll()
        return clean
    }

    /// Immediate stop of listeners and connections (no draining).
    public func closeAll() {
        for bound in states {
            try? bound.loop.runAndWait(timeoutNanos: 2_000_000_000) { bound.value.closeAll() }
        }
    }
}

/// Why the server could not start.
public enum ServerError: Error, CustomStringConvertible {
    case startFailed(String)
    public var description: String {
        switch self {
        case .startFailed(let why): return "server start failed: \(why)"
        }
    }
}
