import Foundation

/// A FIFO of jobs served by one dedicated thread that owns a thread-confined
/// `State` (a `RedisLink`). Blocking hiredis calls run here, never on the
/// Swift cooperative pool. (The Postgres module has the same small type; the
/// two client modules share no code by design.)
final class RedisThread<State>: @unchecked Sendable {
    // @unchecked: `jobs`, `head`, `closed` and `finalizer` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable (State) -> Void] = []
    private var head = 0
    private var closed = false
    private var finalizer: (@Sendable (State) -> Void)?

    init(name: String, makeState: @escaping @Sendable () -> State) {
        let thread = Thread { [self] in
            self.serve(makeState())
        }
        thread.name = name
        thread.start()
    }

    /// Enqueues `job`; false when closed.
    func submit(_ job: @escaping @Sendable (State) -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Stops accepting jobs; the thread drains the queue, runs `finalizer`, and exits.
    func close(finalizer: @escaping @Sendable (State) -> Void) {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return }
        closed = true
        self.finalizer = finalizer
        condition.signal()
    }

    private func serve(_ state: State) {
        while true {
            condition.lock()
            while head == jobs.count && !closed { condition.wait() }
            if head == jobs.count {
                let finish = finalizer
                condition.unlock()
                finish?(state)
                return
            }
            let job = jobs[head]
            head += 1
            if head > 64 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job(state)
        }
    }
}
