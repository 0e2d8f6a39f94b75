import Foundation

/// Runs blocking work (waiting for a child process, copying files) on a thread of its own,
/// so the cooperative pool never blocks on it (docs/architecture.md: never a blocking call
/// on the cooperative pool).
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.name = "safemut-drill"
        thread.start()
    }
}
