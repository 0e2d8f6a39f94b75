import Sockets
import Synchronization

/// Runs `work` on the cooperative pool and waits for it on this thread: only for `serve`'s
/// start-up and shutdown, which run on the main thread outside any task.
func blockingWait<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let done = Semaphore()
    let box = ResultBox<T>()
    Task {
        let value = await work()
        box.value.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return box.value.withLock { $0! }
}

/// Hands a value from a task to the thread waiting on its semaphore.
private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<T?>(nil)
}
