/// A gate's or a check's outcome (SPEC §11). No data is never `pass`.
public enum GateVerdict: String, Sendable, Hashable, Comparable {
    case pass = "PASS"
    case inconclusive = "INCONCLUSIVE"
    case fail = "FAIL"

    /// Severity order: a gate is as bad as its worst check, and a run as its worst gate.
    private var rank: Int {
        switch self {
        case .pass: 0
        case .inconclusive: 1
        case .fail: 2
        }
    }

    public static func < (lhs: GateVerdict, rhs: GateVerdict) -> Bool { lhs.rank < rhs.rank }

    /// The worst of `verdicts`; `inconclusive` for none (nothing was checked, so nothing passed).
    public static func worst(_ verdicts: some Sequence<GateVerdict>) -> GateVerdict {
        var seen = false
        var worst = GateVerdict.pass
        for verdict in verdicts {
            seen = true
            worst = max(worst, verdict)
        }
        return seen ? worst : .inconclusive
    }

    /// `safemut gate validate`'s exit status: 0 all pass, 1 any fail, 3 any inconclusive.
    public var exitCode: Int32 {
        switch self {
        case .pass: 0
        case .fail: 1
        case .inconclusive: 3
        }
    }
}
