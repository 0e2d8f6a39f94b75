import Postgres
import Synchronization

/// Groups concurrent reservations into one `budget_reserve_batch` call: one round trip and
/// one commit for many requests, and one lock of each tenant's budget row per batch, so a
/// hot tenant is not a queue of single-row transactions.
///
/// At most `maxInFlight` calls run at once. A request that finds a free slot starts a call
/// at once (alone when nothing else waits: no added delay when idle); requests arriving
/// while every slot is busy queue and go together in the next call.
final class ReservationBatcher: Sendable {
    typealias Reply = Result<ReservationOutcome, PostgresError>

    private struct Waiter {
        let request: ReservationRequest
        let continuation: CheckedContinuation<Reply, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var inFlight = 0
    }

    private let store: LedgerStore
    private let maxBatch: Int
    private let maxInFlight: Int
    private let state = Mutex(State())

    init(store: LedgerStore, maxBatch: Int = 128, maxInFlight: Int = 4) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.maxInFlight = max(1, maxInFlight)
    }

    func reserve(_ request: ReservationRequest) async -> Reply {
        await withCheckedContinuation { continuation in
            let starts = state.withLock { state -> Bool in
                state.waiting.append(Waiter(request: request, continuation: continuation))
                guard state.inFlight < maxInFlight else { return false }
                state.inFlight += 1
                return true
            }
            if starts {
                Task { await self.run() }
            }
        }
    }

    /// One slot: calls the ledger until nothing waits, then frees the slot.
    private func run() async {
        while true {
            let batch = state.withLock { state -> [Waiter] in
                guard !state.waiting.isEmpty else {
                    state.inFlight -= 1
                    return []
                }
                let taken = Array(state.waiting.prefix(maxBatch))
                state.waiting.removeFirst(taken.count)
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
