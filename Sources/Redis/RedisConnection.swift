import Kit
import Foundation
import Synchronization

/// One multiplexed Redis connection: a dedicated OS thread owns a `RedisLink`
/// and serves a queue of commands from any number of callers. Each time round
/// it takes everything queued, writes it as one pipeline (one `write`), and
/// resumes each caller as its reply is read. While it is busy, new commands
/// only queue — nobody wakes it — and leave together in the next batch, so
/// under load the thread wake-up, the write and the reads are shared by many
/// callers instead of paid by each (see docs/architecture-data.md).
final class RedisConnection: Sendable {
    let id: Int
    private let queue: CommandQueue

    /// Commands queued or awaiting their reply; routing picks the least loaded.
    var load: Int { queue.inFlight.load(ordering: .relaxed) }

    /// Counts a command the client is about to `run` here (under the client's lock,
    /// so the bound it checks holds); the thread uncounts it just before resuming the caller.
    func reserve() { queue.inFlight.add(1, ordering: .relaxed) }

    /// `settled` runs on the connection thread after each reply (before the
    /// caller resumes), so the client can hand freed capacity to a waiter.
    init(id: Int, configuration: RedisConfiguration, settled: @escaping @Sendable () -> Void) {
        self.id = id
        let queue = CommandQueue()
        self.queue = queue
        let thread = Thread {
            queue.serve(link: RedisLink(configuration: configuration)) { continuation, result in
                queue.inFlight.subtract(1, ordering: .relaxed)
                settled()
                continuation.resume(returning: result)
            }
        }
        thread.name = "redis-\(id)"
        thread.start()
    }

    /// Queues `arguments` for the next pipeline and waits for the reply.
    func run(_ arguments: [RedisArgument]) async -> Result<RedisReply, RedisError> {
        // Unsafe continuation: `serve` hands every queued command to exactly one
        // `deliver`, and a refused submit resumes here; a checked one would add
        // an allocation per command on the hot path.
        await withUnsafeContinuation { continuation in
            if !queue.submit(CommandQueue.Pending(arguments: arguments, continuation: continuation)) {
                queue.inFlight.subtract(1, ordering: .relaxed)
                continuation.resume(returning: .failure(RedisError(.closed, "connection closed")))
            }
        }
    }

    /// Stops accepting commands; the thread answers what is queued, closes the socket and exits.
    func close() {
        queue.close()
    }
}

/// The command queue of one connection thread. `condition` guards `pending`,
/// `parked` and `closed`; `serve` runs on the connection thread only.
final class CommandQueue: Sendable {
    let inFlight = Atomic<Int>(0)
    struct Pending: Sendable {
        let arguments: [RedisArgument]
        let continuation: UnsafeContinuation<Result<RedisReply, RedisError>, Never>
    }

    private let queue = ThreadQueue<Pending>()

    /// Enqueues a command; false when closed.
    func submit(_ command: Pending) -> Bool {
        queue.submit(command)
    }

    func close() {
        queue.close()
    }

    /// The connection thread's loop: take every queued command, run them as
    /// one pipeline, repeat; after `close`, answer what is left and return.
    func serve(
        link: RedisLink,
        deliver: (UnsafeContinuation<Result<RedisReply, RedisError>, Never>, Result<RedisReply, RedisError>) -> Void
    ) {
        var batch: [Pending] = []
        while queue.takeAll(into: &batch) {
            link.pipeline(count: batch.count, arguments: { batch[$0].arguments }) { index, result in
                deliver(batch[index].continuation, result)
            }
            batch.removeAll(keepingCapacity: true)
        }
        link.drop()
    }
}
