import Synchronization

/// Runs `work` but answers `.failure(onTimeout)` once `timeout` passes, without waiting for
/// it: a Redis command cannot be cancelled, and the request must not wait out the client's
/// own, longer command timeout. The late result is dropped.
func withDeadline<Success: Sendable, Failure: Error>(
    _ timeout: Duration, onTimeout: Failure,
    _ work: @escaping @Sendable () async -> Result<Success, Failure>
) async -> Result<Success, Failure> {
    await withCheckedContinuation { (continuation: CheckedContinuation<Result<Success, Failure>, Never>) in
        let pending = Mutex<CheckedContinuation<Result<Success, Failure>, Never>?>(continuation)
        let resume: @Sendable (Result<Success, Failure>) -> Void = { result in
            pending.withLock { slot in
                slot?.resume(returning: result)
                slot = nil
            }
        }
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                resume(.failure(onTimeout))
            } catch {
                // Cancelled: the work answered first.
            }
        }
        Task {
            let result = await work()
            timer.cancel()
            resume(result)
        }
    }
}
