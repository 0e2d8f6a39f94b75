import Ports
import Foundation
import Logging
import Postgres
import Synchronization

/// Settlements and releases run off the request path, and are retried until Postgres takes
/// them: a failed attempt waits (50 ms, doubling, at most 5 s) and tries again while the
/// process lives. The SQL is idempotent, so a retry after an attempt that did commit but
/// lost its answer changes nothing. If the process dies with work pending, the reconciler
/// releases those reservations after their TTL.
///
/// Settlements go to Postgres together (`budget_settle_batch`: one round trip, one lock of
/// each tenant's row per batch), at most 4 batches at once, like reservations.
final class SettlementQueue: Sendable {
    private struct Item: TenantItem {
        let reservation: Reservation
        let settlement: Settlement
        let reservedAt: ContinuousClock.Instant
        var tenant: String { reservation.tenant }
    }

    private let store: LedgerStore
    private let logger: Logger
    private let metrics: LedgerMetrics
    private let pending = Atomic<Int>(0)
    private struct State {
        var batches: TenantBatches<Item>
        /// Reservations waiting for the backlog to shrink (`waitForRoom`).
        var roomWaiters: [(limit: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let queue = Mutex(State(batches: TenantBatches(maxInFlight: 4, maxBatch: 128)))

    init(store: LedgerStore, metrics: LedgerMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// Reservations whose settlement or release has not reached Postgres yet.
    var count: Int { pending.load(ordering: .relaxed) }

    /// Returns once at most `limit` settlements wait (woken by the batch that makes room,
    /// not by polling).
    func waitForRoom(below limit: Int) async {
        guard count > limit else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = queue.withLock { state -> Bool in
                if pending.load(ordering: .relaxed) <= limit { return true }
                state.roomWaiters.append((limit, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Takes `done` settlements off the count and wakes the waiters that now have room.
    private func landed(_ done: Int) {
        let now = pending.subtract(done, ordering: .relaxed).newValue
        let woken = queue.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.roomWaiters.isEmpty else { return [] }
            var woken: [CheckedContinuation<Void, Never>] = []
            state.roomWaiters.removeAll { waiter in
                guard now <= waiter.limit else { return false }
                woken.append(waiter.continuation)
                return true
            }
            return woken
        }
        for continuation in woken { continuation.resume() }
    }

    func submit(_ reservation: Reservation, _ finish: Finish, reservedAt: ContinuousClock.Instant) {
        pending.add(1, ordering: .relaxed)
        switch finish {
        case .release:
            Task { await self.release(reservation) }
        case .settle(let settlement):
            let item = Item(reservation: reservation, settlement: settlement, reservedAt: reservedAt)
            let starts = queue.withLock { $0.batches.add(item) }
            if starts { Task { await self.run() } }
        }
    }

    private func run() async {
        var delay = Duration.milliseconds(50)
        var attempt = 1
        var finished: Set<String> = []
        while true {
            let batch = queue.withLock { $0.batches.next(after: finished) }
            if batch.isEmpty { return }
            finished = Set(batch.map(\.tenant))
            do throws(PostgresError) {
                let priors = batch.count == 1
                    ? [try await store.settle(batch[0].reservation, batch[0].settlement)]
                    : try await store.settleMany(batch.map { ($0.reservation, $0.settlement) })
                let now = ContinuousClock.now
                for (item, prior) in zip(batch, priors) {
                    metrics.settled(item.reservation, item.settlement, prior: prior, lag: now - item.reservedAt)
                }
                landed(batch.count)
                delay = .milliseconds(50)
                attempt = 1
            } catch {
                metrics.settlementFailed()
                logger.warning("ledger settlement failed; retrying", metadata: [
                    "settlements": "\(batch.count)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                // Back to the front, in order, and try again after a pause.
                queue.withLock { $0.batches.putBack(batch) }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
                attempt += 1
            }
        }
    }

    private func release(_ reservation: Reservation) async {
        var delay = Duration.milliseconds(50)
        var attempt = 1
        while true {
            do throws(PostgresError) {
                _ = try await store.release(reservation)
                metrics.released()
                break
            } catch {
                metrics.settlementFailed()
                logger.warning("ledger release failed; retrying", metadata: [
                    "tenant": "\(reservation.tenant)", "ledger.id": "\(reservation.id)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
                attempt += 1
            }
        }
        landed(1)
    }

    /// Waits for pending work up to `timeout` (SIGTERM drain); true when none is left.
    func drain(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return count == 0
    }
}
