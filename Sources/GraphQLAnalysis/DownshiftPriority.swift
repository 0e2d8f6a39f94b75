/// How essential a root field is when the gateway downshifts (SPEC §12):
/// `P0` survives every tier, `P3` is the first to go. Lower is more important.
public enum DownshiftPriority: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case p0 = 0
    case p1
    case p2
    case p3

    /// A field with no `@downshift` (SPEC §12: "undeclared = P2").
    public static let undeclared = DownshiftPriority.p2

    /// The priority an SDL label names: exactly `P0`…`P3`, nil for anything else.
    public init?(label: String) {
        guard let found = Self.allCases.first(where: { $0.label == label }) else { return nil }
        self = found
    }

    /// `P0`…`P3`, as the SDL writes it.
    public var label: String { "P\(rawValue)" }

    public var description: String { label }

    public static func < (lhs: DownshiftPriority, rhs: DownshiftPriority) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
