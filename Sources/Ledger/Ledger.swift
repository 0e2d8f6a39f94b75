import Ports
import Contract
import Kit
import Audit
import Config
import Foundation
import Logging
import Postgres
import Synchronization

/// The ledger on the request path: reserve with a deadline and the configured fail mode,
/// then settle or release off the request path. One per process; `LedgerStep` is its face
/// in the admission chain.
public final class Ledger: Sendable {
    public let store: LedgerStore
    let failMode: FailMode
    let timeout: Duration
    let audit: AuditLog?
    public let metrics: LedgerMetrics
    let queue: SettlementQueue
    let storms: DenialStorms
    let batcher: ReservationBatcher
    /// Bounds each reservation's wait without a timer per request.
    let deadlines = Deadlines()
    let failOpenAudit = Mutex<ContinuousClock.Instant?>(nil)
    let logger: Logger

    /// `timeout` bounds the wait for a reservation (then `failMode` decides);
    /// `audit` records denial storms and fail-open admissions.
    public init(
        store: LedgerStore, failMode: FailMode = .closed, timeout: Duration = .seconds(2), audit: AuditLog? = nil,
        metrics: LedgerMetrics = LedgerMetrics(), logger: Logger = Logger(label: "safemut.ledger")
    ) {
        self.store = store
        self.failMode = failMode
        self.timeout = timeout
        self.audit = audit
        self.metrics = metrics
        self.queue = SettlementQueue(store: store, metrics: metrics, logger: logger)
        self.storms = DenialStorms()
        self.batcher = ReservationBatcher(store: store)
        self.logger = logger
    }

    /// Settlements and releases not yet in Postgres.
    public var pendingSettlements: Int { queue.count }

    /// Waits for pending settlements (SIGTERM); true when none is left.
    public func drain(timeout: Duration) async -> Bool {
        await queue.drain(timeout: timeout)
    }

    /// Hands a reservation's end to the settlement queue (off the request path).
    public func finish(_ reservation: Reservation, _ finish: Finish, reservedAt: ContinuousClock.Instant = .now) {
        queue.submit(reservation, finish, reservedAt: reservedAt)
    }

    /// Settlements allowed to wait before new reservations are held back (see below).
    static let settlementBacklogLimit = 2_000

    /// The reservation, bounded by `timeout`. A reservation that completes after the
    /// deadline is released at once (the request was already answered).
    ///
    /// Backpressure: while more than `settlementBacklogLimit` settlements wait for Postgres,
    /// a new reservation waits (within its deadline) instead of adding to the backlog, so
    /// under overload admission slows to the rate settlements land rather than letting
    /// unsettled reservations pile up (they would hold budget and memory).
    public func reserveWithDeadline(_ request: ReservationRequest) async -> Result<ReservationOutcome, LedgerFailure> {
        let deadline = ContinuousClock.now + timeout
        if queue.count > Self.settlementBacklogLimit {
            let queue = self.queue
            let roomMade = await deadlines.race(until: deadline, onTimeout: false) {
                await queue.waitForRoom(below: Self.settlementBacklogLimit)
                return true
            }
            guard roomMade else { return .failure(.backlog(queue.count)) }
        }
        let store = self.store
        let batcher = self.batcher
        return await deadlines.race(
            until: deadline, onTimeout: .failure(.timeout(timeout)),
            late: { result in
                if case .success(.reserved(let late)) = result { self.finish(late, .release) }
            }
        ) { () async -> Result<ReservationOutcome, LedgerFailure> in
            if request.idempotencyKey != nil {
                // Keyed requests need the duplicate checks of the one-at-a-time function.
                do throws(PostgresError) {
                    return .success(try await store.reserve(request))
                } catch {
                    return .failure(.postgres(error))
                }
            }
            return await batcher.reserve(request).mapError { .postgres($0) }
        }
    }
}

/// Why the ledger could not answer.
public enum LedgerFailure: Error, Sendable, CustomStringConvertible {
    case postgres(PostgresError)
    case timeout(Duration)
    /// Settlements are not landing (Postgres slow or overloaded): shed new reservations.
    case backlog(Int)

    public var description: String {
        switch self {
        case .postgres(let error): return "\(error)"
        case .timeout(let limit): return "no answer within \(limit)"
        case .backlog(let count): return "\(count) settlements waiting for Postgres"
        }
    }
}
