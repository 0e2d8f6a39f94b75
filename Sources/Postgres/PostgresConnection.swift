import Foundation
import Synchronization

/// One pooled connection: a dedicated OS thread that owns a `PostgresLink`
/// and runs jobs from a FIFO queue, one at a time. Callers `await` a
/// continuation that the thread resumes, so blocking libpq calls never run on
/// the Swift cooperative pool (see docs/architecture-data.md).
final class PostgresConnection: Sendable {
    typealias Job = @Sendable (PostgresLink) -> Void

    let id: Int
    private let queue: JobQueue<PostgresLink>
    private let cancelSlot = CancelSlot()
    private let jobCounter = Atomic<UInt64>(0)

    init(id: Int, configuration: PostgresConfiguration) {
        self.id = id
        let slot = cancelSlot
        self.queue = JobQueue(name: "postgres-\(id)") { PostgresLink(configuration: configuration, cancel: slot) }
    }

    /// Runs `body` on the connection thread and returns its result. A cancelled
    /// task sends libpq a cancel request for its own statement only.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (PostgresLink, UInt64) -> Result<T, PostgresError>
    ) async -> Result<T, PostgresError> {
        let job = jobCounter.add(1, ordering: .relaxed).newValue
        let slot = cancelSlot
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, PostgresError>, Never>) in
                let accepted = queue.submit { link in continuation.resume(returning: body(link, job)) }
                if !accepted {
                    continuation.resume(returning: .failure(PostgresError(.poolClosed, message: "connection closed")))
                }
            }
        } onCancel: {
            // PQcancel opens a connection to the server: do it on its own thread.
            Thread.detachNewThread { slot.cancel(job: job) }
        }
    }

    /// Queues a job without waiting for it (cleanup after a caller is done).
    func post(_ job: @escaping Job) {
        _ = queue.submit(job)
    }

    /// Finishes queued jobs, closes the libpq connection and ends the thread.
    func close() {
        queue.close { link in link.drop() }
    }
}

/// A FIFO of jobs served by one dedicated thread that owns a thread-confined
/// `State`. `NSCondition` guards `jobs` and `closed`.
final class JobQueue<State>: @unchecked Sendable {
    // @unchecked: `jobs`, `closed` and `finalizer` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable (State) -> Void] = []
    private var head = 0
    private var closed = false
    private var finalizer: (@Sendable (State) -> Void)?

    init(name: String, makeState: @escaping @Sendable () -> State) {
        let thread = Thread { [self] in
            let state = makeState()
            self.serve(state)
        }
        thread.name = name
        thread.start()
    }

    /// Enqueues `job`; false when the queue is closed.
    func submit(_ job: @escaping @Sendable (State) -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Stops accepting jobs; the thread drains what is queued, runs `finalizer`, and exits.
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
            while head == jobs.count && !closed {
                condition.wait()
            }
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
