/// Exact decimal text (a GraphQL Int or Float literal, or a string holding
/// one) to integer millionths: how `capUsd` becomes micro-dollars and a
/// `@cost` weight becomes a fixed-point factor, with no `Double` in between.
public enum DecimalText {
    public enum Problem: Error, Sendable, Equatable {
        case malformed
        /// A non-zero digit past the sixth decimal place (a fraction of a micro-dollar).
        case tooManyDecimals
        case outOfRange
    }

    /// Millionths in one unit.
    public static let scale: Int64 = 1_000_000

    /// `text` × 1,000,000, exactly; `0.02` → 20,000, `1e3` → 1,000,000,000.
    /// Trailing zeros past six decimals are fine (`0.0200000`), other digits are not.
    public static func millionths(_ text: String) -> Result<Int64, Problem> {
        var bytes = Substring(text).utf8[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        var digits: [UInt8] = []
        var fractionCount = 0
        var seenPoint = false
        var exponent = 0
        var index = bytes.startIndex
        scan: while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte - UInt8(ascii: "0"))
                if seenPoint { fractionCount += 1 }
            case UInt8(ascii: "."):
                guard !seenPoint, !digits.isEmpty else { return .failure(.malformed) }
                seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard let parsed = exponentValue(bytes[bytes.index(after: index)...]) else { return .failure(.malformed) }
                exponent = parsed
                break scan
            default:
                return .failure(.malformed)
            }
            index = bytes.index(after: index)
        }
        guard !digits.isEmpty, !(seenPoint && fractionCount == 0) else { return .failure(.malformed) }
        while digits.first == 0 { digits.removeFirst() }
        if digits.isEmpty { return .success(0) }
        var shift = exponent - fractionCount + 6
        while shift < 0 {
            guard digits.last == 0 else { return .failure(.tooManyDecimals) }
            digits.removeLast()
            shift += 1
        }
        guard digits.count + shift <= 19 else { return .failure(.outOfRange) }
        var value: Int64 = 0
        for digit in digits + [UInt8](repeating: 0, count: shift) {
            let (shifted, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = shifted.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return .failure(.outOfRange) }
            value = sum
        }
        return .success(negative ? -value : value)
    }

    /// The exponent's value, nil when malformed; bounded so `1e999999999` allocates nothing.
    private static func exponentValue(_ bytes: Substring.UTF8View.SubSequence) -> Int? {
        var rest = bytes
        var sign = 1
        if let first = rest.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            sign = first == UInt8(ascii: "-") ? -1 : 1
            rest = rest.dropFirst()
        }
        guard !rest.isEmpty else { return nil }
        var value = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = min(value * 10 + Int(byte - UInt8(ascii: "0")), 1_000)
        }
        return sign * value
    }

    /// Millionths as a decimal with six places: 20,000 → `0.020000`.
    /// Exact decimal text with six places (`-1.500000`): the one formatter of micro-dollars.
    public static func format(millionths: Int64) -> String {
        let magnitude = millionths.magnitude
        let whole = magnitude / UInt64(scale)
        let fraction = String(magnitude % UInt64(scale))
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (millionths < 0 ? "-" : "") + "\(whole).\(padded)"
    }
}
