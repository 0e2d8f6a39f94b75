import Admission
import Synchronization

/// Runs `work` but answers `.failure(onTimeout)` once `timeout` passes, without waiting for
/// it: a Redis command cannot be cancelled, and the request must not wait out the client's
/// own, longer command timeout. The late result is dropped.
func withDeadline<Success: Sendable, Failure: Error>(
    _ timeout: Duration, onTimeout: Failure, deadlines: Deadlines,
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
        let token = deadlines.schedule(at: .now + timeout) { resume(.failure(onTimeout)) }
        Task {
            let result = await work()
            deadlines.cancel(token)
            resume(result)
        }
    }
}
