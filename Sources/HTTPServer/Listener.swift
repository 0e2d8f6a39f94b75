#if canImport(Glibc)
import Glibc
#endif
import CSystem
import HTTP
import Sockets

/// One listening socket per loop (SO_REUSEPORT: the kernel spreads new
/// connections across loops). Loop-confined.
final class Listener: EventHandler {
    let fd: Int32
    /// `unowned(unsafe)`: the loop state owns the listener and outlives it.
    unowned(unsafe) let state: ServerLoopState
    private var paused = false

    init(fd: Int32, state: ServerLoopState) {
        self.fd = fd
        self.state = state
    }

    /// Creates, binds and listens; `reusePort` lets every loop bind the same port.
    static func bind(address: SocketAddress, backlog: Int32) throws(SocketError) -> Int32 {
        let fd = try Syscall.socket(domain: address.family, type: Int32(SOCK_STREAM.rawValue))
        do {
            try Syscall.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            try Syscall.setOption(fd, level: SOL_SOCKET, name: SO_REUSEPORT, value: 1)
            try Syscall.bind(fd, address)
            try Syscall.listen(fd, backlog: backlog)
        } catch {
            Syscall.close(fd)
            throw error
        }
        return fd
    }

    func handleEvent(_ events: UInt32) {
        // Accept a bounded batch per wake-up so one loop cannot starve the others.
        for _ in 0..<64 {
            if state.counters.openConnections >= state.configuration.maxConnections {
                pause()
                return
            }
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try Syscall.accept(fd)
            } catch {
                // EMFILE/ENFILE: out of descriptors. Back off instead of spinning.
                if error.errno == EMFILE || error.errno == ENFILE { pause() }
                return
            }
            guard let (client, peer) = accepted else { return }
            _ = try? Syscall.setOption(client, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
            _ = state.counters.connectionOpened()
            let connection = ServerConnection(fd: client, peer: peer, state: state)
            do {
                try state.loop.register(client, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue, handler: connection)
                state.add(connection)
                connection.started()
            } catch {
                state.counters.connectionClosed()
                Syscall.close(client)
            }
        }
    }

    /// Stops accepting (backpressure): pending clients wait in the kernel backlog.
    private func pause() {
        guard !paused else { return }
        paused = true
        try? state.loop.modify(fd, events: 0)
        // Re-check periodically too, in case descriptors free up elsewhere.
        state.loop.scheduleTimer(afterNanos: 50_000_000) { [weak self] in self?.resumeIfPaused() }
    }

    func resumeIfPaused() {
        guard paused else { return }
        if state.counters.openConnections >= state.configuration.maxConnections {
            state.loop.scheduleTimer(afterNanos: 50_000_000) { [weak self] in self?.resumeIfPaused() }
            return
        }
        paused = false
        try? state.loop.modify(fd, events: EPOLLIN.rawValue)
    }

    func close() {
        state.loop.unregister(fd)
        Syscall.close(fd)
    }
}
