import Config
import Cutover

extension CutoverConfig {
    /// The judge's rules as configured: the seed rules with their thresholds, windows and
    /// durations, less those turned off; the path rule only once it names operations.
    public var judgeRules: [JudgeRule] {
        let r = rules
        func seconds(_ duration: Duration) -> Int { Int(duration.components.seconds) }
        func sustain(_ duration: Duration) -> Int64 { duration.components.seconds }
        var list: [(CutoverRuleTiming, JudgeRule)] = [
            (r.latencyVsStable, JudgeRule(name: "latency_vs_stable", kind: .latencyVsStable(perMille: Int64(r.latencyVsStablePerMille)),
                                          windowSeconds: seconds(r.latencyVsStable.window), forSeconds: sustain(r.latencyVsStable.sustain))),
            (r.errorRatio, JudgeRule(name: "error_ratio", kind: .errorRatio(ppm: Int64(r.errorRatioPPM)),
                                     windowSeconds: seconds(r.errorRatio.window), forSeconds: sustain(r.errorRatio.sustain))),
            (r.burnRate, JudgeRule(name: "burn_rate", kind: .burnRate(sloPPM: Int64(r.burnRateSLOPPM), budgetPerHourPPM: Int64(r.burnRateBudgetPerHourPPM)),
                                   windowSeconds: seconds(r.burnRate.window), forSeconds: sustain(r.burnRate.sustain))),
            (r.latencyVsBaseline, JudgeRule(name: "latency_vs_baseline", kind: .latencyVsBaseline(perMille: Int64(r.latencyVsBaselinePerMille)),
                                            windowSeconds: seconds(r.latencyVsBaseline.window), forSeconds: sustain(r.latencyVsBaseline.sustain))),
            (r.costPerRequest, JudgeRule(name: "cost_per_request", kind: .costVsStable(holdPerMille: Int64(r.costHoldPerMille), failPerMille: Int64(r.costFailPerMille)),
                                         windowSeconds: seconds(r.costPerRequest.window), forSeconds: sustain(r.costPerRequest.sustain))),
            (r.security, JudgeRule(name: "security", kind: .security,
                                   windowSeconds: seconds(r.security.window), forSeconds: sustain(r.security.sustain))),
        ]
        if !r.pathOperations.isEmpty {
            list.append((r.pathP95, JudgeRule(name: "path_p95", kind: .latencyAbove(micros: Int64(r.pathP95Micros)),
                                              windowSeconds: seconds(r.pathP95.window), forSeconds: sustain(r.pathP95.sustain),
                                              operations: Set(r.pathOperations))))
        }
        return list.filter { $0.0.enabled }.map(\.1)
    }

    /// `canary.freeze_windows` read, or the first one that is not `Ddd HH:MM-HH:MM`.
    public func parsedFreezeWindows() -> Result<[FreezeWindow], FreezeWindowError> {
        var windows: [FreezeWindow] = []
        for text in freezeWindows {
            guard let window = FreezeWindow(parsing: text) else { return .failure(FreezeWindowError(text: text)) }
            windows.append(window)
        }
        return .success(windows)
    }

    /// The plan `canary.*` describes, with seed 003's stage owners for a four-stage plan
    /// (5→25 SRE; 25→50 product owner and tech lead; 50→100 SRE and security).
    public func plan(stages: [Int]? = nil, hold: Duration? = nil, autoRollback: Bool? = nil, autoPromote: Bool? = nil) -> CutoverPlan {
        let stages = stages ?? self.stages
        return CutoverPlan(
            stages: stages, holdSeconds: (hold ?? self.hold).components.seconds, autoPromote: autoPromote ?? self.autoPromote,
            autoRollback: autoRollback ?? self.autoRollback,
            signOffs: CutoverPlan.seedSignOffs.filter { $0.key < stages.count - 1 },
            gates: CutoverPlan.gates(requirements: gates, stages: stages))
    }
}

/// A `canary.freeze_windows` entry that is not a weekly UTC window.
public struct FreezeWindowError: Error, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String {
        "canary.freeze_windows: expected a weekly UTC window such as \"Tue 20:00-23:00\", got \"\(text)\""
    }
}
