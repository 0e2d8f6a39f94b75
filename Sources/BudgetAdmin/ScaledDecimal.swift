import Kit

/// An exact decimal held as an integer count of `1/10^places` units, read from a JSON
/// number's literal text (never through `Double`): a multiplier in thousandths, an alert
/// threshold in ten-thousandths, hours in millionths.
struct ScaledDecimal: Sendable, Equatable, Comparable {
    /// The value × 10^places.
    let units: Int64
    /// Decimal places kept: the SQL column's scale.
    let places: Int

    init(units: Int64, places: Int) {
        precondition((0...6).contains(places), "ScaledDecimal keeps at most 6 places")
        self.units = units
        self.places = places
    }

    /// Why a JSON value is not an exact decimal with at most `places` decimals.
    enum Problem: Error, Equatable {
        case notANumber
        case tooManyDecimals(places: Int)
        case outOfRange
    }

    /// `2.0` → 2000 thousandths. Trailing zeros past `places` are fine (`2.0000`), other
    /// digits are refused (a column of scale 3 would round `1.2345`). Numeric strings are
    /// refused too: the API takes numbers.
    static func parse(_ value: JSONValue, places: Int) -> Result<ScaledDecimal, Problem> {
        guard let text = value.numberText else { return .failure(.notANumber) }
        switch DecimalText.millionths(text) {
        case .failure(.tooManyDecimals): return .failure(.tooManyDecimals(places: places))
        case .failure(.outOfRange): return .failure(.outOfRange)
        case .failure(.malformed): return .failure(.notANumber)
        case .success(let millionths):
            let divisor = power(6 - places)
            guard millionths % divisor == 0 else { return .failure(.tooManyDecimals(places: places)) }
            return .success(ScaledDecimal(units: millionths / divisor, places: places))
        }
    }

    static func power(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(Int64(1)) { value, _ in value * 10 }
    }

    /// Exact decimal text with the trailing zeros trimmed: 2000 thousandths → `2`, 1500 → `1.5`.
    var text: String {
        let divisor = Self.power(places)
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(divisor)
        var fraction = String(magnitude % UInt64(divisor))
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (units < 0 ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// The same text with every place written (`2.000`), for SQL parameters.
    var fixedText: String {
        let divisor = Self.power(places)
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(divisor)
        guard places > 0 else { return (units < 0 ? "-" : "") + String(whole) }
        let fraction = String(magnitude % UInt64(divisor))
        return (units < 0 ? "-" : "") + String(whole) + "." + String(repeating: "0", count: places - fraction.count) + fraction
    }

    static func < (lhs: ScaledDecimal, rhs: ScaledDecimal) -> Bool {
        precondition(lhs.places == rhs.places, "compare decimals of one scale")
        return lhs.units < rhs.units
    }
}
