import Kit
import Foundation
import Synchronization

/// One pooled connection: a dedicated OS thread that owns a `PostgresLink`
/// and serves a FIFO queue. Callers `await` a continuation that the thread
/// resumes, so blocking libpq calls never run on the Swift cooperative pool
/// (see docs/architecture-data.md).
///
/// The queue holds two kinds of work: jobs of a caller who leased the whole
/// connection (a session: transactions, advisory locks, scripts), run one at
/// a time; and independent statements from `PostgresPool.query`, which the
/// thread takes together and sends as one libpq pipeline. While the thread is
/// busy, new work only queues — nobody wakes it — and goes out in its next batch.
final class PostgresConnection: Sendable {
    let id: Int
    private let queue: WorkQueue
    private let cancelSlot = CancelSlot()
    private let jobCounter = Atomic<UInt64>(0)

    /// `settled` runs on the connection thread after each pipelined statement
    /// (before its caller resumes), so the pool can hand freed room to a waiter.
    init(id: Int, configuration: PostgresConfiguration, settled: @escaping @Sendable () -> Void) {
        self.id = id
        let slot = cancelSlot
        let queue = WorkQueue()
        self.queue = queue
        let thread = Thread {
            queue.serve(link: PostgresLink(configuration: configuration, cancel: slot)) { continuation, result in
                queue.inFlight.subtract(1, ordering: .relaxed)
                settled()
                continuation.resume(returning: result)
            }
        }
        thread.name = "postgres-\(id)"
        thread.start()
    }

    /// Pipelined statements queued or awaiting their result.
    var load: Int { queue.inFlight.load(ordering: .relaxed) }

    /// Statements that went out in a pipeline with at least one other.
    var pipelined: UInt64 { queue.pipelined.load(ordering: .relaxed) }

    /// Counts a statement the pool is about to `execute` here (under the pool's
    /// lock, so its bound holds); the thread uncounts it before resuming the caller.
    func reserve() { queue.inFlight.add(1, ordering: .relaxed) }

    /// Runs `body` on the connection thread (the caller leased the connection)
    /// and returns its result. A cancelled task sends libpq a cancel request
    /// for its own statement only.
    func run<T: Sendable>(
        _ body: @escaping @Sendable (PostgresLink, UInt64) -> Result<T, PostgresError>
    ) async -> Result<T, PostgresError> {
        let job = jobCounter.add(1, ordering: .relaxed).newValue
        let slot = cancelSlot
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, PostgresError>, Never>) in
                let accepted = queue.submit(.job { link in continuation.resume(returning: body(link, job)) })
                if !accepted {
                    continuation.resume(returning: .failure(PostgresError(.poolClosed, message: "connection closed")))
                }
            }
        } onCancel: {
            // PQcancel opens a connection to the server: do it on its own thread.
            Thread.detachNewThread { slot.cancel(job: job) }
        }
    }

    /// Queues one independent statement for the next pipeline (after `reserve`).
    /// A cancelled task cancels its statement only while it runs alone on the
    /// connection; inside a pipeline a cancel could hit a neighbour's statement,
    /// so it is not sent (the statement timeout still bounds it).
    func execute(_ sql: String, _ parameters: [PostgresValue?]) async -> Result<PostgresRows, PostgresError> {
        let job = jobCounter.add(1, ordering: .relaxed).newValue
        let slot = cancelSlot
        return await withTaskCancellationHandler {
            // Unsafe continuation: `serve` hands every queued statement to exactly
            // one delivery, and a refused submit resumes here; a checked one costs
            // an allocation per statement on the hot path.
            await withUnsafeContinuation { continuation in
                let statement = WorkQueue.Pending(statement: PostgresLink.Statement(sql: sql, parameters: parameters, job: job), continuation: continuation)
                if !queue.submit(.statement(statement)) {
                    queue.inFlight.subtract(1, ordering: .relaxed)
                    continuation.resume(returning: .failure(PostgresError(.poolClosed, message: "connection closed")))
                }
            }
        } onCancel: {
            Thread.detachNewThread { slot.cancel(job: job) }
        }
    }

    /// Queues a job without waiting for it (cleanup after a caller is done).
    func post(_ job: @escaping @Sendable (PostgresLink) -> Void) {
        _ = queue.submit(.job(job))
    }

    /// Finishes queued work, closes the libpq connection and ends the thread.
    func close() {
        queue.close()
    }
}

/// The work queue of one connection thread. `condition` guards `pending`,
/// `parked` and `closed`; `serve` runs on the connection thread only.
final class WorkQueue: Sendable {
    typealias Continuation = UnsafeContinuation<Result<PostgresRows, PostgresError>, Never>

    struct Pending: Sendable {
        let statement: PostgresLink.Statement
        let continuation: Continuation
    }

    enum Work: Sendable {
        /// A leased caller's job, run alone.
        case job(@Sendable (PostgresLink) -> Void)
        /// An independent statement, pipelined with its neighbours.
        case statement(Pending)
    }

    let inFlight = Atomic<Int>(0)
    let pipelined = Atomic<UInt64>(0)
    private let queue = ThreadQueue<Work>()

    /// Enqueues `work`; false when closed.
    func submit(_ work: Work) -> Bool {
        queue.submit(work)
    }

    /// Stops accepting work; the thread drains the queue, drops the connection and exits.
    func close() {
        queue.close()
    }

    /// The connection thread's loop: take everything queued; run jobs one by
    /// one and each run of consecutive statements as one pipeline; repeat.
    func serve(link: PostgresLink, deliver: (Continuation, Result<PostgresRows, PostgresError>) -> Void) {
        var batch: [Work] = []
        var run: [Pending] = []
        while queue.takeAll(into: &batch) {
            for work in batch {
                switch work {
                case .statement(let statement):
                    run.append(statement)
                case .job(let body):
                    flush(&run, link, deliver)
                    body(link)
                }
            }
            flush(&run, link, deliver)
            batch.removeAll(keepingCapacity: true)
        }
        link.drop()
    }

    private func flush(_ run: inout [Pending], _ link: PostgresLink, _ deliver: (Continuation, Result<PostgresRows, PostgresError>) -> Void) {
        guard !run.isEmpty else { return }
        if run.count > 1 { pipelined.add(UInt64(run.count), ordering: .relaxed) }
        link.pipeline(count: run.count, statement: { run[$0].statement }) { index, result in
            deliver(run[index].continuation, result)
        }
        run.removeAll(keepingCapacity: true)
    }
}
