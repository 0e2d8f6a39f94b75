#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A counting semaphore for start-up and shutdown hand-offs between a
/// caller thread and a loop thread (never on a request path).
public final class Semaphore: Sendable {
    private let count = Mutex<Int>(0)

    public init() {}

    public func signal() {
        count.withLock { $0 += 1 }
    }

    /// Waits until signalled; returns false when `timeoutNanos` passed first.
    @discardableResult
    public func wait(timeoutNanos: UInt64 = UInt64.max) -> Bool {
        let deadline = timeoutNanos == UInt64.max ? UInt64.max : Syscall.monotonicNanos() &+ timeoutNanos
        while true {
            let taken = count.withLock { value -> Bool in
                if value > 0 { value -= 1; return true }
                return false
            }
            if taken { return true }
            if Syscall.monotonicNanos() >= deadline { return false }
            usleep(200)
        }
    }
}
