import Foundation

/// Runs blocking test I/O (a `RawHTTPClient` waiting on a socket) on its own
/// OS thread, so it does not occupy one of the few threads of Swift's
/// cooperative pool that the code under test needs for its own tasks.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.start()
    }
}
