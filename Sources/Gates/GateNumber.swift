/// A gate's measured value or threshold, exact: a decimal scaled by 10¹² in an `Int128`,
/// so Prometheus's text (`0.0951`, `1.5e-05`), money in dollars and millisecond counts
/// all compare without passing through `Double`. ±Inf clamp to the ends of the range.
public struct GateNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Fraction digits kept; more are rounded half away from zero.
    public static let fractionDigits = 12
    static let scale: Int128 = 1_000_000_000_000

    public let scaled: Int128

    public init(scaled: Int128) {
        self.scaled = scaled
    }

    public init(_ integer: Int64) {
        scaled = Int128(integer) * Self.scale
    }

    public static let positiveInfinity = GateNumber(scaled: .max)
    public static let negativeInfinity = GateNumber(scaled: .min)

    /// Parses decimal text with an optional exponent (`12`, `-0.5`, `1.5e-05`, `+Inf`).
    /// nil for `NaN`, empty text, anything else, or a value past ±1.7 × 10²⁶.
    public init?(text: String) {
        var chars = Substring(text.trimmingWhitespace())
        switch chars.lowercased() {
        case "+inf", "inf": self = .positiveInfinity; return
        case "-inf": self = .negativeInfinity; return
        default: break
        }
        var negative = false
        if chars.first == "-" || chars.first == "+" {
            negative = chars.first == "-"
            chars = chars.dropFirst()
        }
        var exponent = 0
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(chars[chars.index(after: e)...]), abs(value) < 64 else { return nil }
            exponent = value
            chars = chars[..<e]
        }
        var digits: [UInt8] = []
        var fraction = 0
        var seenPoint = false
        for c in chars.utf8 {
            if c == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                digits.append(c - UInt8(ascii: "0"))
                if seenPoint { fraction += 1 }
            } else {
                return nil
            }
        }
        guard !digits.isEmpty else { return nil }
        // value = digits × 10^(exponent − fraction); we want value × 10^12.
        let shift = exponent - fraction + Self.fractionDigits
        var magnitude: Int128 = 0
        let limit = Int128.max / 10 - 10
        let kept = shift >= 0 ? digits : Array(digits.dropLast(min(-shift, digits.count)))
        for d in kept {
            guard magnitude < limit else { return nil }
            magnitude = magnitude * 10 + Int128(d)
        }
        if shift >= 0 {
            for _ in 0..<shift {
                guard magnitude < limit else { return nil }
                magnitude *= 10
            }
        } else if -shift <= digits.count {
            // Round half away from zero on the first dropped digit.
            if digits[digits.count + shift] >= 5 { magnitude += 1 }
        }
        scaled = negative ? -magnitude : magnitude
    }

    /// Exact decimal text, trailing zeros dropped (`0.35`, `300000`, `-1.5`).
    public var description: String {
        if self == .positiveInfinity { return "+Inf" }
        if self == .negativeInfinity { return "-Inf" }
        let negative = scaled < 0
        let magnitude = negative ? -scaled : scaled
        let whole = magnitude / Self.scale
        var fraction = String(magnitude % Self.scale)
        fraction = String(repeating: "0", count: Self.fractionDigits - fraction.count) + fraction
        while fraction.last == "0" { fraction.removeLast() }
        return (negative ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    public static func < (lhs: GateNumber, rhs: GateNumber) -> Bool { lhs.scaled < rhs.scaled }

    /// `numerator ÷ denominator` at 12 fraction digits, truncated; nil when the denominator is 0.
    public static func ratio(_ numerator: Int128, _ denominator: Int128) -> GateNumber? {
        guard denominator != 0 else { return nil }
        let (product, overflow) = numerator.multipliedReportingOverflow(by: scale)
        guard !overflow else { return nil }
        return GateNumber(scaled: product / denominator)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
