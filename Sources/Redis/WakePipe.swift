#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe that lets other threads interrupt the subscriber thread's
/// `poll`, and the `poll` itself: the only libc calls of the subscriber, in
/// one place. Both ends are non-blocking and close-on-exec. If the process is
/// out of descriptors both ends are -1: `wake` does nothing and `wait` still
/// returns by its timeout, so the subscriber only reacts more slowly.
final class WakePipe: Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        for fd in ends where fd >= 0 {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        if readEnd >= 0 { close(readEnd) }
        if writeEnd >= 0 { close(writeEnd) }
    }

    /// Makes the next (or current) `wait` return. A full pipe already means "wake up".
    func wake() {
        guard writeEnd >= 0 else { return }
        var byte: UInt8 = 1
        var rc: Int
        repeat {
            rc = write(writeEnd, &byte, 1)
        } while rc < 0 && errno == EINTR
    }

    /// What `wait` saw.
    struct Readiness {
        var socket = false
        var woken = false
    }

    /// Waits up to `timeoutMilliseconds` for `socket` to be readable (or hung up)
    /// or for `wake()`; pass -1 as the socket to wait for a wake-up only.
    func wait(socket: Int32, timeoutMilliseconds: Int32) -> Readiness {
        var descriptors = [
            pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
        ]
        var rc: Int32
        repeat {
            rc = poll(&descriptors, socket >= 0 ? 2 : 1, timeoutMilliseconds)
        } while rc < 0 && errno == EINTR
        var readiness = Readiness()
        guard rc > 0 else { return readiness }
        if readEnd >= 0, descriptors[0].revents != 0 {
            readiness.woken = true
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
        }
        if socket >= 0, descriptors[1].revents != 0 { readiness.socket = true }
        return readiness
    }
}
