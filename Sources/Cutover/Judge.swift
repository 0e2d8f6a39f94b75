/// The live judge (SPEC §10): both arms' requests in the same sliding windows, and each
/// rule's consecutive-breach clock. A value type: the gateway keeps one behind a lock,
/// records every forwarded request into it, and evaluates it once a second.
///
/// Per rule: fewer than `minSamples` requests on an arm it needs is *inconclusive* (the
/// breach clock neither runs nor resets, the stage holds); a conclusive breach adds the
/// seconds since the last evaluation to the clock; a conclusive pass resets it. The rule
/// fails (or, for the cost rule's lower bound, holds) once the clock reaches its `for`.
public struct Judge: Sendable, Equatable {
    public let rules: [JudgeRule]
    public let minSamples: Int64
    /// A set of root fields some rule looks at ("" and no fields: every request).
    struct Scope: Sendable, Equatable {
        let key: String
        let fields: Set<String>
    }
    /// Scope 0 is every request; then one per distinct rule scope.
    private let scopes: [Scope]
    /// Two windows per scope (stable, canary), in one flat array so a request's count is an
    /// in-place mutation: a window held in a dictionary was copied (its ring and its
    /// latency arrays) on every record, 5 % of the gateway's CPU with a cutover running.
    private var windows: [ArmWindow]
    private var breach: [String: Int64] = [:]
    private var lastEvaluated: Int64?
    /// The second the current stage began: no rule looks at requests from before it (a new
    /// stage, or a new cutover after a rollback, is judged on its own traffic only).
    private var stageStart: Int64?
    /// Stable's p95 when the stage started (taken at the first conclusive second).
    public private(set) var baselineMicros: Int64?

    public init(rules: [JudgeRule], minSamples: Int64) {
        self.rules = rules
        self.minSamples = max(1, minSamples)
        let longest = rules.map(\.windowSeconds).max() ?? 60
        var scopes = [Scope(key: "", fields: [])]
        for rule in rules {
            let key = Self.scope(rule.operations)
            if !scopes.contains(where: { $0.key == key }) { scopes.append(Scope(key: key, fields: rule.operations ?? [])) }
        }
        self.scopes = scopes
        windows = Array(repeating: ArmWindow(seconds: longest), count: scopes.count * 2)
    }

    private static func index(scope: Int, arm: Arm) -> Int { scope * 2 + (arm == .stable ? 0 : 1) }

    private func window(_ key: String, _ arm: Arm) -> ArmWindow? {
        scopes.firstIndex { $0.key == key }.map { windows[Self.index(scope: $0, arm: arm)] }
    }

    static func scope(_ operations: Set<String>?) -> String {
        operations.map { $0.sorted().joined(separator: ",") } ?? ""
    }

    /// A new stage at second `now`: breach clocks and the baseline start again, and the
    /// windows read only the seconds from `now` on (both arms over the same span), so a
    /// stage is never judged on the traffic of the one before, or of a rolled-back cutover.
    public mutating func startStage(atSecond now: Int64) {
        breach = [:]
        baselineMicros = nil
        lastEvaluated = nil
        stageStart = now
    }

    /// Counts one finished request. True when it is a security violation on the canary:
    /// the caller rolls back on that request instead of waiting for the next evaluation.
    @discardableResult
    public mutating func record(
        arm: Arm, rootFields: [String], atSecond now: Int64, latencyMicros: Int64, error: Bool, costMicros: Int64?, securityViolation: Bool
    ) -> Bool {
        for (number, scope) in scopes.enumerated() {
            if number > 0, !rootFields.contains(where: scope.fields.contains) { continue }
            windows[Self.index(scope: number, arm: arm)].record(
                atSecond: now, latencyMicros: latencyMicros, error: error, costMicros: costMicros, securityViolation: securityViolation)
        }
        return securityViolation && arm == .canary && rules.contains { $0.kind == .security }
    }

    /// A rule's window at `now`, cut at the stage's start.
    func effectiveWindow(_ seconds: Int, atSecond now: Int64) -> Int {
        guard let stageStart else { return seconds }
        return max(1, min(seconds, Int(clamping: now - stageStart + 1)))
    }

    /// Both arms' figures over the longest rule window ending at `now` (every request since
    /// the stage began), for a stage's summary.
    public func tallies(atSecond now: Int64) -> [Arm: ArmWindow.Tally] {
        let window = effectiveWindow(rules.map(\.windowSeconds).max() ?? 60, atSecond: now)
        return [
            .stable: windows[Self.index(scope: 0, arm: .stable)].tally(window: window, endingAt: now),
            .canary: windows[Self.index(scope: 0, arm: .canary)].tally(window: window, endingAt: now),
        ]
    }

    /// Every rule's verdict at second `now`, advancing the breach clocks. At 100 % no
    /// traffic goes to stable (`stableExpected` false): the rules that compare the arms in
    /// the same window have nothing to compare and pass as not applicable; the baseline
    /// rule still judges the canary against stable's p95 from when the stage started.
    public mutating func evaluate(atSecond now: Int64, stableExpected: Bool = true) -> StageVerdict {
        let elapsed = lastEvaluated.map { max(0, now - $0) } ?? 1
        lastEvaluated = now
        var verdicts: [RuleVerdict] = []
        for rule in rules {
            let key = Self.scope(rule.operations)
            let window = effectiveWindow(rule.windowSeconds, atSecond: now)
            let canary = self.window(key, .canary)?.tally(window: window, endingAt: now) ?? ArmWindow.Tally()
            let stable = self.window(key, .stable)?.tally(window: window, endingAt: now) ?? ArmWindow.Tally()
            let reading: Reading
            if !stableExpected, rule.comparesArms {
                reading = .within("not applicable: no stable arm at 100 %")
            } else {
                reading = read(rule, canary: canary, stable: stable)
            }
            var clock = breach[rule.name] ?? 0
            let verdict: Verdict
            switch reading {
            case .inconclusive:
                verdict = .inconclusive
            case .within:
                clock = 0
                verdict = .pass
            case .breach(let severity, _):
                clock += elapsed
                // Breaching but not yet for long enough: the stage holds, it neither passes nor fails.
                verdict = clock >= rule.forSeconds ? severity : .hold
            case .tripped:
                clock = max(clock, rule.forSeconds)
                verdict = .fail
            }
            breach[rule.name] = clock
            verdicts.append(RuleVerdict(rule: rule.name, verdict: verdict, detail: reading.detail, breachSeconds: clock))
        }
        return StageVerdict(rules: verdicts)
    }

    enum Reading {
        case inconclusive(String)
        case within(String)
        case breach(Verdict, String)
        case tripped(String)

        var detail: String {
            switch self {
            case .inconclusive(let text), .within(let text), .breach(_, let text), .tripped(let text): return text
            }
        }
    }

    private mutating func read(_ rule: JudgeRule, canary: ArmWindow.Tally, stable: ArmWindow.Tally) -> Reading {
        if case .security = rule.kind {
            return canary.securityViolations > 0
                ? .tripped("\(canary.securityViolations) security violation(s) on the canary")
                : .within("no security violation on the canary")
        }
        let needStable = rule.needsStable
        let canaryCount: Int64
        let stableCount: Int64
        if case .costVsStable = rule.kind {
            canaryCount = canary.costed
            stableCount = stable.costed
        } else {
            canaryCount = canary.requests
            stableCount = stable.requests
        }
        guard canaryCount >= minSamples, !needStable || stableCount >= minSamples else {
            return .inconclusive("\(canaryCount) canary and \(stableCount) stable samples; \(minSamples) needed per arm")
        }
        switch rule.kind {
        case .latencyVsStable(let perMille):
            let c = canary.quantileMicros(perMille: 950) ?? 0
            let s = stable.quantileMicros(perMille: 950) ?? 0
            let text = "canary p95 \(Self.ms(c)) vs stable \(Self.ms(s)) (limit \(Self.ratio(perMille))×)"
            return c * 1_000 > s * perMille ? .breach(.fail, text) : .within(text)
        case .latencyVsBaseline(let perMille):
            if baselineMicros == nil { baselineMicros = stable.quantileMicros(perMille: 950) }
            let c = canary.quantileMicros(perMille: 950) ?? 0
            let b = baselineMicros ?? 0
            let text = "canary p95 \(Self.ms(c)) vs stage-start baseline \(Self.ms(b)) (limit \(Self.ratio(perMille))×)"
            return c * 1_000 > b * perMille ? .breach(.fail, text) : .within(text)
        case .latencyAbove(let micros):
            let c = canary.quantileMicros(perMille: 950) ?? 0
            let text = "canary p95 \(Self.ms(c)) (limit \(Self.ms(micros)))"
            return c > micros ? .breach(.fail, text) : .within(text)
        case .errorRatio(let ppm):
            let ratio = canary.errorRatioPPM ?? 0
            let text = "canary error ratio \(Self.percent(ratio)) (limit \(Self.percent(ppm)))"
            return ratio >= ppm ? .breach(.fail, text) : .within(text)
        case .burnRate(let slo, let perHour):
            // Budget spent per hour, of a 30-day (720 h) budget: ratio ÷ (1 − SLO) ÷ 720.
            let ratio = canary.errorRatioPPM ?? 0
            let budget = max(1, 1_000_000 - slo)
            let spentPerHourPPM = ratio * 1_000_000 / budget / 720
            let text = "error budget burn \(Self.percent(spentPerHourPPM))/h (limit \(Self.percent(perHour))/h)"
            return spentPerHourPPM > perHour ? .breach(.fail, text) : .within(text)
        case .costVsStable(let hold, let fail):
            let c = canary.costPerRequestMicros ?? 0
            let s = stable.costPerRequestMicros ?? 0
            let text = "cost per request canary \(c) µ$ vs stable \(s) µ$ (hold above \(Self.ratio(hold))×, fail above \(Self.ratio(fail))×)"
            if c * 1_000 > s * fail { return .breach(.fail, text) }
            if c * 1_000 > s * hold { return .breach(.hold, text) }
            return .within(text)
        case .security:
            return .within("")
        }
    }

    static func ms(_ micros: Int64) -> String {
        "\(micros / 1_000).\(String(micros % 1_000 / 100)) ms"
    }

    static func ratio(_ perMille: Int64) -> String {
        perMille % 1_000 == 0 ? "\(perMille / 1_000)" : "\(perMille / 1_000).\(String(format3(perMille % 1_000)))"
    }

    static func percent(_ ppm: Int64) -> String {
        "\(ppm / 10_000).\(String(ppm % 10_000 / 100).leftPadded(2)) %"
    }

    private static func format3(_ value: Int64) -> String {
        var text = String(value).leftPadded(3)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
