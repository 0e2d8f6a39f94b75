/// An amount of US dollars held as integer micro-dollars (1 USD = 1,000,000),
/// so sums and products are exact and the wire form has no float artefacts.
public struct MicroUSD: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Micro-dollars per dollar.
    public static let scale: Int64 = 1_000_000
    public static let zero = MicroUSD(micros: 0)

    public var micros: Int64

    public init(micros: Int64) {
        self.micros = micros
    }

    /// Parses a plain decimal such as `0.02`, `6`, or `6.000000` (at most six
    /// fractional digits, no exponent, no sign other than a leading `-`).
    public init(parsing text: String) throws(DemoError) {
        guard let micros = Self.parseMicros(text) else {
            throw .invalidDecimal(text)
        }
        self.micros = micros
    }

    /// The amount with exactly six decimals, e.g. `0.016000`.
    public var decimalString: String {
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(Self.scale)
        let fraction = String(magnitude % UInt64(Self.scale))
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return (micros < 0 ? "-" : "") + "\(whole).\(padded)"
    }

    public var description: String { decimalString }

    public static func < (lhs: MicroUSD, rhs: MicroUSD) -> Bool {
        lhs.micros < rhs.micros
    }

    /// Digits only, so "1e3", "0x10", "+1" or "1_000" never pass.
    static func parseMicros(_ text: String) -> Int64? {
        var rest = Substring(text)
        let negative = rest.first == "-"
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty, wholeText.count <= 12,
            wholeText.allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(wholeText)
        else { return nil }
        var fraction: Int64 = 0
        if parts.count == 2 {
            let fractionText = parts[1]
            guard !fractionText.isEmpty, fractionText.count <= 6,
                fractionText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let digits = Int64(fractionText)
            else { return nil }
            var multiplier: Int64 = 1
            for _ in fractionText.count..<6 { multiplier *= 10 }
            fraction = digits * multiplier
        }
        let magnitude = whole * scale + fraction
        return negative ? -magnitude : magnitude
    }
}

extension Int64 {
    /// `self * factor`, pinned to `Int64.max` instead of trapping: a cost hook
    /// must not crash the demo server, and no real budget gets near the bound.
    func saturatingMultiplied(by factor: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: factor)
        return overflow ? (((self < 0) != (factor < 0)) ? .min : .max) : product
    }

    /// `self + other`, pinned at the bounds instead of trapping.
    func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other < 0 ? .min : .max) : sum
    }
}
