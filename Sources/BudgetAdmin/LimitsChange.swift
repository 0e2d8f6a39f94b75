import Kit
import Contract
import Ledger

/// The body of `PUT /admin/budget/limits/{tenant}`: any of the two limits, the alert
/// threshold and the canary flag; what is left out keeps its value.
struct LimitsChange: Sendable, Equatable {
    var dailyMicros: Int64?
    var monthlyMicros: Int64?
    /// Ten-thousandths (`tenant_budget.alert_threshold` is `numeric(5,4)`).
    var alertThreshold: ScaledDecimal?
    var canary: Bool?

    static let keys = ["daily_usd_limit", "monthly_usd_limit", "alert_threshold", "canary"]

    /// Reads and checks the body; a 400 names the first bad key.
    static func parse(_ body: RequestBody) -> Result<LimitsChange, AdminReply> {
        var change = LimitsChange()
        for key in ["daily_usd_limit", "monthly_usd_limit"] {
            guard let value = body[key] else { continue }
            guard value.numberText != nil, let micros = MicroDollars.parse(value) else {
                return .failure(.badRequest("\"\(key)\" must be a JSON number of US dollars with at most 6 decimals, e.g. 50 or 12.5"))
            }
            guard micros >= 0 else { return .failure(.badRequest("\"\(key)\" must not be negative")) }
            if key == "daily_usd_limit" { change.dailyMicros = micros } else { change.monthlyMicros = micros }
        }
        if let value = body["alert_threshold"] {
            switch ScaledDecimal.parse(value, places: 4) {
            case .success(let threshold) where threshold.units > 0 && threshold.units <= 10_000:
                change.alertThreshold = threshold
            case .success, .failure(.outOfRange):
                return .failure(.badRequest("\"alert_threshold\" must be above 0 and at most 1, e.g. 0.8"))
            case .failure(.tooManyDecimals):
                return .failure(.badRequest("\"alert_threshold\" has more than 4 decimal places"))
            case .failure(.notANumber):
                return .failure(.badRequest("\"alert_threshold\" must be a JSON number above 0 and at most 1, e.g. 0.8"))
            }
        }
        if let value = body["canary"] {
            guard let flag = value.boolValue else { return .failure(.badRequest("\"canary\" must be true or false")) }
            change.canary = flag
        }
        guard change != LimitsChange() else {
            return .failure(.badRequest("nothing to change: give daily_usd_limit, monthly_usd_limit, alert_threshold or canary"))
        }
        return .success(change)
    }
}

/// A tenant's limits as stored, before or after a change.
struct TenantLimits: Sendable, Equatable {
    var dailyMicros: Int64
    var monthlyMicros: Int64
    /// As Postgres holds it (`0.8000`).
    var alertThreshold: String
    var canary: Bool
    var environment: String
    var tenantClass: String

    var json: JSONValue {
        .members([
            "daily_usd_limit": MicroDollars.json(dailyMicros),
            "monthly_usd_limit": MicroDollars.json(monthlyMicros),
            "alert_threshold": .number(alertThreshold),
            "canary": .bool(canary),
            "environment": .string(environment),
            "tenant_class": .string(tenantClass),
        ])
    }
}
