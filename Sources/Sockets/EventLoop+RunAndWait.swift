extension EventLoop {
    /// Runs `body` on the loop and blocks the calling thread until it has run,
    /// returning its result. For start-up and shutdown hand-offs only (never
    /// from the loop itself, never on a request path).
    public func runAndWait<T: Sendable>(
        timeoutNanos: UInt64 = 10_000_000_000,
        _ body: @escaping @Sendable () throws -> T
    ) throws -> T {
        assert(!inEventLoop, "runAndWait would deadlock on its own loop")
        let box = HandOffBox<T>()
        let done = Semaphore()
        execute {
            box.result = Result { try body() }
            done.signal()
        }
        guard done.wait(timeoutNanos: timeoutNanos), let result = box.result else {
            throw SocketError("runAndWait", errno: ETIMEDOUT)
        }
        return try result.get()
    }
}

/// Carries a result from the loop thread to the waiting caller.
/// `@unchecked Sendable`: written once on the loop before `Semaphore.signal`, read by the caller after `wait` returns; the semaphore's mutex orders the two accesses.
private final class HandOffBox<T>: @unchecked Sendable {  // guarded by the Semaphore hand-off above
    var result: Result<T, any Error>?
}

#if canImport(Glibc)
import Glibc
#endif
