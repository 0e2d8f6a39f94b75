import Ports
import Foundation
import Kit
import Postgres
import Telemetry

extension LedgerStore {
    /// `budget_reserve_batch`: requests of any tenants (none with an idempotency key) in one
    /// round trip; each tenant's budget row is locked once, tenants in sorted order.
    /// Outcomes in the requests' order.
    public func reserveMany(_ requests: [ReservationRequest], now: Date? = nil) async throws(PostgresError) -> [ReservationOutcome] {
        guard !requests.isEmpty else { return [] }
        let items = JSONValue.array(requests.map { request in
            .object([
                JSONMember("tenant", .string(request.tenant)),
                JSONMember("estimate", .string(MicroDollars.text(request.estimateMicros))),
                JSONMember("tokens", .number(String(request.estimateTokens))),
                JSONMember("operation", request.operationName.map { .string($0) } ?? .null),
                JSONMember("document_hash", .string(request.documentHash)),
                JSONMember("correlation", .string(request.correlationID)),
                JSONMember("user", request.user.map { .string($0) } ?? .null),
                JSONMember("arm", request.arm.map { .string($0) } ?? .null),
            ])
        })
        let rows = try await pool.query(
            "SELECT * FROM budget_reserve_batch($1::jsonb, $2, $3)",
            [.json(items.serialized), .int(ttlMillis), clock.now(now).map { .timestamp($0) }])
        var outcomes = [ReservationOutcome?](repeating: nil, count: requests.count)
        for row in rows {
            let index = try row["item"].int()
            guard requests.indices.contains(index) else { continue }
            let request = requests[index]
            switch try row["outcome"].string() {
            case "reserved":
                outcomes[index] = .reserved(Reservation(
                    tenant: request.tenant, id: try row["ledger_id"].uuid(), estimateMicros: request.estimateMicros,
                    estimateTokens: request.estimateTokens, multiplierMillis: try row["multiplier"].micros() / 1_000))
            case "exceeded":
                outcomes[index] = .exceeded(
                    window: BudgetWindow(rawValue: try row["budget_window"].string()) ?? .daily,
                    limitMicros: try row["limit_usd"].micros(), spentMicros: try row["spent_usd"].micros(),
                    reservedMicros: try row["reserved_usd"].micros())
            case "unknown":
                outcomes[index] = .unknownTenant
            case let other:
                throw PostgresError(.decoding, message: "budget_reserve_batch returned the unknown outcome \(other)")
            }
        }
        return try outcomes.map { outcome throws(PostgresError) in
            guard let outcome else { throw PostgresError(.decoding, message: "budget_reserve_batch left an item without an outcome") }
            return outcome
        }
    }

    /// `budget_settle_batch`: settlements of any tenants in one round trip, each tenant's
    /// budget row locked once, tenants in sorted order; each reservation's status before
    /// the call, in order.
    @discardableResult
    public func settleMany(_ items: [(Reservation, Settlement)], now: Date? = nil) async throws(PostgresError) -> [String] {
        guard !items.isEmpty else { return [] }
        let json = JSONValue.array(items.map { reservation, settlement in
            var members = [
                JSONMember("tenant", .string(reservation.tenant)), JSONMember("id", .string(reservation.id.uuidString.lowercased())),
            ]
            members.append(JSONMember("actual", settlement.actualMicros.map { .string(MicroDollars.text($0)) } ?? .null))
            members.append(JSONMember("tokens", settlement.actualTokens.map { .number(String($0)) } ?? .null))
            members.append(JSONMember("status", settlement.response.map { .number(String($0.status)) } ?? .null))
            members.append(JSONMember("body", settlement.response.map { .string(Data($0.body).base64EncodedString()) } ?? .null))
            if let compensation = settlement.compensationJSON, let parsed = try? JSONValue.parse(Array(compensation.utf8)) {
                members.append(JSONMember("compensation", parsed))
            }
            return .object(members)
        })
        let rows = try await pool.query(
            "SELECT ledger_id, prior FROM budget_settle_batch($1::jsonb, $2)",
            [.json(json.serialized), clock.now(now).map { .timestamp($0) }])
        var prior: [UUID: String] = [:]
        for row in rows { prior[try row["ledger_id"].uuid()] = try row["prior"].string() }
        return items.map { prior[$0.0.id] ?? "missing" }
    }

    var ttlMillis: Int64 {
        Int64(reservationTTL.wholeMilliseconds)
    }
}
