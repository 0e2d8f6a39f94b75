#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Every libc call of the module lives here: the write loop for log lines and the wall clock.

enum SystemCalls {
    /// How long one line may wait for a non-blocking descriptor to drain before it is dropped.
    static let maxWaitPolls = 20
    static let pollMilliseconds: Int32 = 50

    /// Writes all of `bytes` to `fd` with `write(2)`, retrying `EINTR` and partial writes and
    /// waiting with `poll(2)` on `EAGAIN`. Returns false when the line had to be dropped
    /// (closed pipe, bad descriptor, or a consumer stalled past ~1 s).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var offset = 0
        var waits = 0
        while offset < bytes.count {
            let written = write(fd, base + offset, bytes.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            let error = errno
            if written < 0, error == EINTR { continue }
            if written < 0, error == EAGAIN || error == EWOULDBLOCK, waits < maxWaitPolls {
                waits += 1
                var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&descriptor, 1, pollMilliseconds)
                continue
            }
            return false
        }
        return true
    }

    /// Milliseconds since the Unix epoch from `clock_gettime(CLOCK_REALTIME)`.
    static func epochMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
    }
}
