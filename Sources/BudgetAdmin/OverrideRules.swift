import Kit
import Contract

/// The override policy of SPEC §3 and the rollout guide: at most 3×, at most 24 h; below
/// 2× an override is active at once, from 2× it waits for a second `finance_admin`.
enum OverrideRules {
    /// `budget_overrides.budget_multiplier` is `numeric(6,3)`.
    static let multiplierPlaces = 3
    /// Strictly above this (1×: an override that raises nothing is refused).
    static let minimumMultiplier = ScaledDecimal(units: 1_000, places: 3)
    static let maximumMultiplier = ScaledDecimal(units: 3_000, places: 3)
    /// From this multiplier on, a second finance_admin must approve.
    static let approvalThreshold = ScaledDecimal(units: 2_000, places: 3)
    /// Longest life of an override, and furthest an extension may push its expiry, from now.
    static let maximumHours = ScaledDecimal(units: 24_000_000, places: 6)

    /// `budget_multiplier`: a JSON number with 1 < m ≤ 3 and at most 3 decimals.
    static func multiplier(_ value: JSONValue?) -> Result<ScaledDecimal, AdminReply> {
        guard let value, !value.isNull else { return .failure(.badRequest("\"budget_multiplier\" is required")) }
        switch ScaledDecimal.parse(value, places: multiplierPlaces) {
        case .failure(.notANumber):
            return .failure(.badRequest("\"budget_multiplier\" must be a JSON number, e.g. 1.5 or 2.0"))
        case .failure(.tooManyDecimals):
            return .failure(.badRequest("\"budget_multiplier\" has more than \(multiplierPlaces) decimal places"))
        case .failure(.outOfRange):
            return .failure(.badRequest("\"budget_multiplier\" must be at most \(maximumMultiplier.text)"))
        case .success(let multiplier):
            guard multiplier > minimumMultiplier else {
                return .failure(.badRequest("\"budget_multiplier\" must be greater than 1 (got \(multiplier.text))"))
            }
            guard multiplier <= maximumMultiplier else {
                return .failure(.badRequest("\"budget_multiplier\" must be at most \(maximumMultiplier.text) (got \(multiplier.text))"))
            }
            return .success(multiplier)
        }
    }

    /// A number of hours with 0 < h ≤ 24 (fractions to the micro-hour), as microseconds.
    static func hours(_ value: JSONValue?, key: String) -> Result<Int64, AdminReply> {
        guard let value, !value.isNull else { return .failure(.badRequest("\"\(key)\" is required")) }
        switch ScaledDecimal.parse(value, places: 6) {
        case .failure(.notANumber):
            return .failure(.badRequest("\"\(key)\" must be a JSON number of hours, e.g. 4 or 0.5"))
        case .failure(.tooManyDecimals), .failure(.outOfRange):
            return .failure(.badRequest("\"\(key)\" must be a number of hours above 0 and at most \(maximumHours.text)"))
        case .success(let hours):
            guard hours.units > 0, hours <= maximumHours else {
                return .failure(.badRequest("\"\(key)\" must be above 0 and at most \(maximumHours.text) hours (got \(hours.text))"))
            }
            // Micro-hours × 3,600 = microseconds, exact.
            return .success(hours.units * 3_600)
        }
    }

    static func needsApproval(_ multiplier: ScaledDecimal) -> Bool {
        multiplier >= approvalThreshold
    }
}
