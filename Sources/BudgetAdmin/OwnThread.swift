import Foundation

/// Runs blocking work (a socket waiting for the upstream) on a new OS thread and awaits
/// it, so no thread of Swift's small cooperative pool is held hostage by a syscall.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.start()
    }
}
