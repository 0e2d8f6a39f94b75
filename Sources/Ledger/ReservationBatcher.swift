import Postgres
import Synchronization

/// Groups concurrent reservations of one tenant into one `budget_reserve_many` call, so a
/// hot tenant's budget row is locked once per batch instead of once per request.
///
/// At most one call per tenant is in flight in this process. A request that finds none
/// starts one at once (alone, no added wait); requests arriving meanwhile queue and go
/// together in the next call. Under load the batches grow by themselves; idle, every
/// request is its own batch.
final class ReservationBatcher: Sendable {
    typealias Reply = Result<ReservationOutcome, PostgresError>

    private struct Waiter {
        let request: ReservationRequest
        let continuation: CheckedContinuation<Reply, Never>
    }

    private struct Queue {
        var waiting: [Waiter] = []
    }

    private let store: LedgerStore
    private let maxBatch: Int
    /// Tenants with a call in flight, and who waits for the next one.
    private let queues = Mutex<[String: Queue]>([:])

    init(store: LedgerStore, maxBatch: Int = 64) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
    }

    func reserve(_ request: ReservationRequest) async -> Reply {
        await withCheckedContinuation { continuation in
            let starts = queues.withLock { queues -> Bool in
                if queues[request.tenant] != nil {
                    queues[request.tenant]!.waiting.append(Waiter(request: request, continuation: continuation))
                    return false
                }
                queues[request.tenant] = Queue(waiting: [Waiter(request: request, continuation: continuation)])
                return true
            }
            if starts {
                Task { await self.run(tenant: request.tenant) }
            }
        }
    }

    /// Calls the ledger until the tenant's queue is empty, then forgets the tenant.
    private func run(tenant: String) async {
        while true {
            let batch = queues.withLock { queues -> [Waiter] in
                guard var queue = queues[tenant], !queue.waiting.isEmpty else {
                    queues[tenant] = nil
                    return []
                }
                let taken = Array(queue.waiting.prefix(maxBatch))
                queue.waiting.removeFirst(taken.count)
                queues[tenant] = queue
                return taken
            }
            if batch.isEmpty { return }
            do throws(PostgresError) {
                let outcomes = batch.count == 1
                    ? [try await store.reserve(batch[0].request)]
                    : try await store.reserveMany(batch.map(\.request))
                for (waiter, outcome) in zip(batch, outcomes) { waiter.continuation.resume(returning: .success(outcome)) }
            } catch {
                for waiter in batch { waiter.continuation.resume(returning: .failure(error)) }
            }
        }
    }
}
