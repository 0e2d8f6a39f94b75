import Kit
import Ports
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

    private struct Waiter: TenantItem {
        let request: ReservationRequest
        let continuation: CheckedContinuation<Reply, Never>
        /// The request's call scope while a chaos drill runs (else nil).
        let scope: CallScope?
        var tenant: String { request.tenant }
    }

    private let store: LedgerStore
    private let batches: Mutex<TenantBatches<Waiter>>

    init(store: LedgerStore, maxBatch: Int = 128, maxInFlight: Int = 4) {
        self.store = store
        self.batches = Mutex(TenantBatches(maxInFlight: maxInFlight, maxBatch: maxBatch))
    }

    func reserve(_ request: ReservationRequest) async -> Reply {
        let scope = CallScope.current
        return await withCheckedContinuation { continuation in
            let starts = batches.withLock { $0.add(Waiter(request: request, continuation: continuation, scope: scope)) }
            if starts {
                Task { await self.run() }
            }
        }
    }

    /// One slot: calls the ledger until nothing it may take waits, then frees the slot.
    private func run() async {
        var finished: Set<String> = []
        while true {
            let batch = batches.withLock { $0.next(after: finished) }
            if batch.isEmpty { return }
            finished = Set(batch.map(\.tenant))
            if batch.contains(where: { $0.scope != nil }) {
                // A drill is on: each request alone (side by side), under its own scope, so a fault scoped to
                // one tenant fails that tenant's reservations and nobody else's.
                await withTaskGroup(of: Void.self) { group in
                    for waiter in batch {
                        group.addTask {
                            let reply = await CallScope.$current.withValue(waiter.scope) { () async -> Reply in
                                do throws(PostgresError) { return .success(try await self.store.reserve(waiter.request)) } catch { return .failure(error) }
                            }
                            waiter.continuation.resume(returning: reply)
                        }
                    }
                }
                continue
            }
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
