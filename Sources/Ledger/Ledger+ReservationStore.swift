import Ports

/// The debit step's port on Postgres: the reservation under the ledger's deadline, timed
/// into `budget_reserve_duration_seconds`, with `budget.fail_mode` applied to a failure.
extension Ledger: ReservationStore {
    public func reserve(_ request: ReservationRequest) async -> ReservationAttempt {
        let start = ContinuousClock.now
        let result = await reserveWithDeadline(request)
        metrics.reserved(after: ContinuousClock.now - start)
        switch result {
        case .success(let outcome):
            return .answered(outcome)
        case .failure(let failure):
            return unavailable(failure, tenant: request.tenant, requestID: request.correlationID).map { .unavailable($0) } ?? .admittedUnreserved
        }
    }

    public func finish(_ reservation: Reservation, _ finish: Finish) {
        self.finish(reservation, finish, reservedAt: .now)
    }
}
