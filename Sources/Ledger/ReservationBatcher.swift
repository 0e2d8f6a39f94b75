import Postgres
import Synchronization

/// Groups concurrent reservations into one `budget_reserve_batch` call: one round trip and
/// one commit for many requests, and one lock of each tenant's budget row per batch, so a
/// hot tenant is not a queue of single-row transactions.
///
/// At most `maxInFlight` calls run at once, and a tenant is in at most one of them: calls
/// for different tenants run side by side, while a hot tenant's requests gather into one
/// batch at a time instead of several batches queueing on its row lock. A request that
/// finds a free slot starts a call at once (alone when nothing else waits: no added delay
/// when idle); the others queue and go together in the next call.
final class ReservationBatcher: Sendable {
    typealias Reply = Result<ReservationOutcome, PostgresError>

    private struct Waiter {
        let request: ReservationRequest
        let continuation: CheckedContinuation<Reply, Never>
    }

    private struct State {
        var waiting: [Waiter] = []
        var inFlight = 0
        /// Tenants in a call now.
        var busyTenants: Set<String> = []

        /// Up to `limit` waiters, in arrival order, of tenants not in a call now.
        mutating func take(limit: Int) -> [Waiter] {
            var taken: [Waiter] = []
            var kept: [Waiter] = []
            var tenants: Set<String> = []
            for waiter in waiting {
                let tenant = waiter.request.tenant
                if taken.count < limit, !busyTenants.contains(tenant) {
                    taken.append(waiter)
                    tenants.insert(tenant)
                } else {
                    kept.append(waiter)
                }
            }
            waiting = kept
            busyTenants.formUnion(tenants)
            return taken
        }
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
                // A busy tenant's request waits for that tenant's call to come back.
                guard state.inFlight < maxInFlight, !state.busyTenants.contains(request.tenant) else { return false }
                state.inFlight += 1
                return true
            }
            if starts {
                Task { await self.run() }
            }
        }
    }

    /// One slot: calls the ledger until nothing it may take waits, then frees the slot.
    private func run() async {
        var finished: Set<String> = []
        while true {
            let batch = state.withLock { state -> [Waiter] in
                state.busyTenants.subtract(finished)
                let taken = state.take(limit: maxBatch)
                if taken.isEmpty { state.inFlight -= 1 }
                return taken
            }
            if batch.isEmpty { return }
            finished = Set(batch.map(\.request.tenant))
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
