import Foundation
import Logging
import Postgres
import Synchronization

/// How a reservation ends.
enum Finish: Sendable, Equatable {
    case settle(Settlement)
    case release
}

/// Settlements and releases run off the request path, and are retried until Postgres takes
/// them: a failed attempt waits (50 ms, doubling, at most 5 s) and tries again while the
/// process lives. The SQL is idempotent, so a retry after an attempt that did commit but
/// lost its answer changes nothing. If the process dies with work pending, the reconciler
/// releases those reservations after their TTL.
final class SettlementQueue: Sendable {
    private let store: LedgerStore
    private let logger: Logger
    private let metrics: LedgerMetrics
    private let pending = Atomic<Int>(0)

    init(store: LedgerStore, metrics: LedgerMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// Reservations whose settlement or release has not reached Postgres yet.
    var count: Int { pending.load(ordering: .relaxed) }

    func submit(_ reservation: Reservation, _ finish: Finish, reservedAt: ContinuousClock.Instant) {
        pending.add(1, ordering: .relaxed)
        Task { [self] in
            var delay = Duration.milliseconds(50)
            var attempt = 1
            retry: while true {
                do throws(PostgresError) {
                    switch finish {
                    case .settle(let settlement):
                        let prior = try await store.settle(reservation, settlement)
                        metrics.settled(reservation, settlement, prior: prior, lag: ContinuousClock.now - reservedAt)
                    case .release:
                        _ = try await store.release(reservation)
                        metrics.released()
                    }
                    break retry
                } catch {
                    metrics.settlementFailed()
                    logger.warning("ledger settlement failed; retrying", metadata: [
                        "tenant": "\(reservation.tenant)", "ledger.id": "\(reservation.id)",
                        "attempt": "\(attempt)", "error": "\(error)",
                    ])
                    if Task.isCancelled { break retry }
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, .seconds(5))
                    attempt += 1
                }
            }
            pending.subtract(1, ordering: .relaxed)
        }
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
