/// The cost downshift ladder's tiers (SPEC §12, seed 004 §8): 0 normal, then each tier
/// sheds more, and includes every effect of the tiers below it.
public enum DownshiftTier: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case normal = 0
    case observe = 1
    case throttle = 2
    case shed = 3
    case degrade = 4
    case protect = 5
    case emergency = 6

    public var name: String {
        switch self {
        case .normal: "normal"
        case .observe: "observe"
        case .throttle: "throttle"
        case .shed: "shed"
        case .degrade: "degrade"
        case .protect: "protect"
        case .emergency: "emergency"
        }
    }

    public var description: String { "\(rawValue) \(name)" }

    public static func < (lhs: DownshiftTier, rhs: DownshiftTier) -> Bool { lhs.rawValue < rhs.rawValue }
}
