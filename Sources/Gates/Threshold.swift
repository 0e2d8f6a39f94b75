/// A check's pass condition: `<= 0.35`, `>= 0.999`, `< 0.8`, `== 0`. The value on the
/// left is the measurement; a sample meets the threshold when the comparison holds.
public struct Threshold: Sendable, Hashable, CustomStringConvertible {
    public enum Comparison: String, Sendable, CaseIterable {
        case atMost = "<="
        case below = "<"
        case atLeast = ">="
        case above = ">"
        case equal = "=="
    }

    public var comparison: Comparison
    public var limit: GateNumber

    public init(_ comparison: Comparison, _ limit: GateNumber) {
        self.comparison = comparison
        self.limit = limit
    }

    /// Parses `OP NUMBER` with OP one of `<=`, `<`, `>=`, `>`, `==`; nil otherwise.
    public init?(text: String) {
        let trimmed = text.trimmingWhitespace()
        // Two-character operators first, so `<=` is not read as `<` then `=0.35`.
        let ordered: [Comparison] = [.atMost, .atLeast, .equal, .below, .above]
        guard let comparison = ordered.first(where: { trimmed.hasPrefix($0.rawValue) }),
              let limit = GateNumber(text: String(trimmed.dropFirst(comparison.rawValue.count))),
              limit != .positiveInfinity, limit != .negativeInfinity
        else { return nil }
        self.init(comparison, limit)
    }

    public func isMet(by value: GateNumber) -> Bool {
        switch comparison {
        case .atMost: value <= limit
        case .below: value < limit
        case .atLeast: value >= limit
        case .above: value > limit
        case .equal: value == limit
        }
    }

    /// The worse of two values for this threshold (the larger for `<=`, the smaller for `>=`).
    public func worse(_ a: GateNumber, _ b: GateNumber) -> GateNumber {
        switch comparison {
        case .atMost, .below: max(a, b)
        case .atLeast, .above: min(a, b)
        case .equal: a == limit ? b : a
        }
    }

    public var description: String { "\(comparison.rawValue) \(limit)" }
}
