import Ports
import Foundation
import Postgres

/// The ledger's request-path calls, one round trip each, to the SQL functions of
/// `db/migrations/0006_ledger_functions.sql` (which hold the rules and the locking).
public final class LedgerStore: Sendable {
    public let pool: PostgresPool
    let reservationTTL: Duration
    /// The one source of "now" for every call below (the database's unless injected).
    public let clock: LedgerClock

    public init(pool: PostgresPool, reservationTTL: Duration = .seconds(300), clock: LedgerClock = .database) {
        self.pool = pool
        self.reservationTTL = reservationTTL
        self.clock = clock
    }

    /// Holds the estimate, or says why not. `now` overrides the store's clock for one call.
    public func reserve(_ request: ReservationRequest, now: Date? = nil) async throws(PostgresError) -> ReservationOutcome {
        let rows = try await pool.query(
            "SELECT * FROM budget_reserve($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            [
                .text(request.tenant), .micros(request.estimateMicros), .int(request.estimateTokens),
                request.operationName.map { .text($0) }, .text(request.documentHash), .text(request.correlationID),
                request.idempotencyKey.map { .text($0) }, request.user.map { .text($0) }, .int(ttlMillis),
                clock.now(now).map { .timestamp($0) }, request.arm.map { .text($0) },
            ])
        let row = try rows.single()
        switch try row["outcome"].string() {
        case "reserved":
            return .reserved(Reservation(
                tenant: request.tenant, id: try row["ledger_id"].uuid(), estimateMicros: request.estimateMicros,
                estimateTokens: request.estimateTokens, multiplierMillis: try row["multiplier"].micros() / 1_000,
                keepsResponse: request.idempotencyKey != nil))
        case "exceeded":
            let window = BudgetWindow(rawValue: try row["budget_window"].string()) ?? .daily
            return .exceeded(
                window: window, limitMicros: try row["limit_usd"].micros(), spentMicros: try row["spent_usd"].micros(),
                reservedMicros: try row["reserved_usd"].micros())
        case "unknown":
            return .unknownTenant
        case "duplicate":
            var response: StoredResponse?
            if let status = row["response_status"].nonNull {
                response = StoredResponse(status: try status.int(), body: try row["response_body"].nonNull?.byteArray() ?? [])
            }
            return .duplicate(ledgerID: try row["ledger_id"].uuid(), status: try row["prior_status"].string(), response: response)
        case "conflict":
            return .conflict(ledgerID: try row["ledger_id"].uuid())
        case let other:
            throw PostgresError(.decoding, message: "budget_reserve returned the unknown outcome \(other)")
        }
    }

    /// Records the spend; returns the status the row had (`reserved`, or `settled` when a
    /// retry found it done: never counted twice).
    @discardableResult
    public func settle(_ reservation: Reservation, _ settlement: Settlement, now: Date? = nil) async throws(PostgresError) -> String {
        let rows = try await pool.query(
            "SELECT budget_settle($1, $2, $3, $4, $5, $6, $7::jsonb, $8) AS prior",
            [
                .text(reservation.tenant), .uuid(reservation.id), settlement.actualMicros.map { .micros($0) },
                settlement.actualTokens.map { .int($0) }, settlement.response.map { .int(Int64($0.status)) },
                settlement.response.map { .bytes($0.body) }, settlement.compensationJSON.map { .json($0) },
                clock.now(now).map { .timestamp($0) },
            ])
        return try rows.single()["prior"].string()
    }

    /// Gives the estimate back (the upstream never answered); returns the prior status.
    @discardableResult
    public func release(_ reservation: Reservation, now: Date? = nil) async throws(PostgresError) -> String {
        let rows = try await pool.query(
            "SELECT budget_release($1, $2, $3) AS prior",
            [.text(reservation.tenant), .uuid(reservation.id), clock.now(now).map { .timestamp($0) }])
        return try rows.single()["prior"].string()
    }
}
