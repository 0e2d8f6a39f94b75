import Cutover
import Testing

@Suite("Judge: per-arm windows, minimum samples, consecutive breaches")
struct JudgeTests {
    /// Feeds `perSecond` requests a second to an arm from second `from` for `seconds`
    /// seconds; every `errorEvery`-th is an error (0: none).
    func feed(
        _ judge: inout Judge, _ arm: Arm, from: Int64, seconds: Int64, perSecond: Int, latencyMicros: Int64 = 50_000,
        errorEvery: Int = 0, costMicros: Int64? = nil, fields: [String] = ["createEntity"]
    ) {
        var n = 0
        for second in from..<(from + seconds) {
            for _ in 0..<perSecond {
                n += 1
                judge.record(
                    arm: arm, rootFields: fields, atSecond: second, latencyMicros: latencyMicros,
                    error: errorEvery > 0 && n % errorEvery == 0, costMicros: costMicros, securityViolation: false)
            }
        }
    }

    /// A judge with one `error_ratio` rule (2 %, a 60 s window, breaching for `forSeconds`),
    /// fed `perSecond` canary requests a second from second 0 for `seconds` seconds, every
    /// `errorEvery`-th an error, and evaluated each second (`each` sees every verdict); the last.
    func errorRatioRun(
        forSeconds: Int64, minSamples: Int64, seconds: Int64, perSecond: Int, errorEvery: Int,
        each: (Int64, StageVerdict) -> Void = { _, _ in }
    ) -> StageVerdict {
        var judge = Judge(
            rules: [JudgeRule(name: "error_ratio", kind: .errorRatio(ppm: 20_000), windowSeconds: 60, forSeconds: forSeconds)],
            minSamples: minSamples)
        var last: StageVerdict = .green
        for second in Int64(0)..<seconds {
            feed(&judge, .canary, from: second, seconds: 1, perSecond: perSecond, errorEvery: errorEvery)
            last = judge.evaluate(atSecond: second)
            each(second, last)
        }
        return last
    }

    func verdict(_ stage: StageVerdict, _ rule: String) -> Verdict? {
        stage.rules.first { $0.rule == rule }?.verdict
    }

    @Test("a 10 % canary error ratio holds at first and fails once it lasted the rule's 5 minutes")
    func errorRatioTrips() {
        // 600 samples in the window from second 59 on; 200 (min_samples) from second 19.
        let last = errorRatioRun(forSeconds: 300, minSamples: 200, seconds: 330, perSecond: 10, errorEvery: 10) { second, stage in
            if second == 100 { #expect(verdict(stage, "error_ratio") == .hold, "breaching, not yet for 5 m: \(stage.summary)") }
        }
        #expect(last.overall == .fail, "\(last.summary)")
    }

    @Test("1 % errors (below the 2 % threshold) pass for as long as they last")
    func errorRatioHolds() {
        let last = errorRatioRun(forSeconds: 60, minSamples: 200, seconds: 400, perSecond: 10, errorEvery: 100)
        #expect(last.overall == .pass, "\(last.summary)")
    }

    @Test("below min_samples a rule is inconclusive: it neither fails nor passes, and its breach clock does not run")
    func lowTraffic() {
        // One request a second, every one an error: 60 in the window, under 200.
        let last = errorRatioRun(forSeconds: 10, minSamples: 200, seconds: 600, perSecond: 1, errorEvery: 1)
        #expect(last.overall == .inconclusive, "\(last.summary)")
        #expect(last.rules[0].breachSeconds == 0)
        #expect(last.summary.contains("200 needed per arm"))
    }

    @Test("one bad burst does not flap: the breach clock resets on a good window (consecutive, not cumulative)")
    func hysteresis() {
        var judge = Judge(rules: [JudgeRule(name: "error_ratio", kind: .errorRatio(ppm: 20_000), windowSeconds: 10, forSeconds: 30)], minSamples: 50)
        var worst = Verdict.pass
        for second in Int64(0)..<300 {
            // 20 bad seconds in every 60: each burst breaches for < 30 s, then recovers.
            let bad = second % 60 < 20
            feed(&judge, .canary, from: second, seconds: 1, perSecond: 20, errorEvery: bad ? 5 : 0)
            worst = max(worst, judge.evaluate(atSecond: second).overall)
        }
        #expect(worst == .hold, "bursts hold the stage but never fail it")
    }

    @Test("canary p95 1.5× stable's fails latency_vs_stable; 1.1× passes; both arms need samples")
    func relativeLatency() {
        let rule = JudgeRule(name: "latency_vs_stable", kind: .latencyVsStable(perMille: 1_200), windowSeconds: 60, forSeconds: 0)
        var slow = Judge(rules: [rule], minSamples: 100)
        feed(&slow, .stable, from: 0, seconds: 60, perSecond: 5, latencyMicros: 100_000)
        feed(&slow, .canary, from: 0, seconds: 60, perSecond: 5, latencyMicros: 150_000)
        #expect(slow.evaluate(atSecond: 59).overall == .fail)
        var close = Judge(rules: [rule], minSamples: 100)
        feed(&close, .stable, from: 0, seconds: 60, perSecond: 5, latencyMicros: 100_000)
        feed(&close, .canary, from: 0, seconds: 60, perSecond: 5, latencyMicros: 105_000)
        #expect(close.evaluate(atSecond: 59).overall == .pass)
        var lonely = Judge(rules: [rule], minSamples: 100)
        feed(&lonely, .canary, from: 0, seconds: 60, perSecond: 5, latencyMicros: 900_000)
        #expect(lonely.evaluate(atSecond: 59).overall == .inconclusive, "no stable traffic: nothing to compare with")
    }

    @Test("at 100 % the arm comparisons are not applicable (no stable traffic): they pass instead of holding forever")
    func fullWeight() {
        let rule = JudgeRule(name: "latency_vs_stable", kind: .latencyVsStable(perMille: 1_200), windowSeconds: 60, forSeconds: 0)
        var judge = Judge(rules: [rule], minSamples: 100)
        feed(&judge, .canary, from: 0, seconds: 60, perSecond: 5, latencyMicros: 150_000)
        #expect(judge.evaluate(atSecond: 59).overall == .inconclusive)
        let verdict = judge.evaluate(atSecond: 59, stableExpected: false)
        #expect(verdict.overall == .pass)
        #expect(verdict.rules[0].detail.contains("not applicable"))
    }

    @Test("cost per request: +20 % holds, 3.5× fails, equal passes")
    func costRule() {
        let rule = JudgeRule(name: "cost_per_request", kind: .costVsStable(holdPerMille: 1_100, failPerMille: 3_000), windowSeconds: 60, forSeconds: 0)
        for (canaryCost, expected) in [(Int64(12_000), Verdict.hold), (35_000, .fail), (10_000, .pass)] {
            var judge = Judge(rules: [rule], minSamples: 100)
            feed(&judge, .stable, from: 0, seconds: 60, perSecond: 2, costMicros: 10_000)
            feed(&judge, .canary, from: 0, seconds: 60, perSecond: 2, costMicros: canaryCost)
            #expect(judge.evaluate(atSecond: 59).overall == expected, "canary \(canaryCost) µ$ vs stable 10,000")
        }
    }

    @Test("a security violation on the canary trips on that request; one on stable does not")
    func security() {
        var judge = Judge(rules: JudgeRule.seedRules, minSamples: 200)
        let onStable = judge.record(arm: .stable, rootFields: [], atSecond: 0, latencyMicros: 1, error: false, costMicros: nil, securityViolation: true)
        #expect(!onStable)
        #expect(judge.evaluate(atSecond: 0).rules.first { $0.rule == "security" }?.verdict == .pass)
        let onCanary = judge.record(arm: .canary, rootFields: [], atSecond: 0, latencyMicros: 1, error: false, costMicros: nil, securityViolation: true)
        #expect(onCanary)
        let verdict = judge.evaluate(atSecond: 0)
        #expect(verdict.rules.first { $0.rule == "security" }?.verdict == .fail)
    }

    @Test("a rule scoped to an operation sees only it: slow 3-hop path queries fail, other slow fields do not count")
    func scoped() {
        let rule = JudgeRule(name: "path_p95", kind: .latencyAbove(micros: 1_200_000), windowSeconds: 60, forSeconds: 0, operations: ["pathQuery"])
        var judge = Judge(rules: [rule], minSamples: 50)
        feed(&judge, .canary, from: 0, seconds: 60, perSecond: 5, latencyMicros: 3_000_000, fields: ["search"])
        #expect(judge.evaluate(atSecond: 59).overall == .inconclusive, "no path queries yet")
        feed(&judge, .canary, from: 0, seconds: 60, perSecond: 1, latencyMicros: 900_000, fields: ["pathQuery"])
        #expect(judge.evaluate(atSecond: 59).overall == .pass)
        feed(&judge, .canary, from: 0, seconds: 60, perSecond: 4, latencyMicros: 2_000_000, fields: ["pathQuery"])
        #expect(judge.evaluate(atSecond: 59).overall == .fail)
    }

    @Test("burn rate at SLO 99.9 %: 5 % errors burn past 6 %/h, 3 % do not")
    func burnRate() {
        let rule = JudgeRule(name: "burn_rate", kind: .burnRate(sloPPM: 999_000, budgetPerHourPPM: 60_000), windowSeconds: 60, forSeconds: 0)
        var hot = Judge(rules: [rule], minSamples: 100)
        feed(&hot, .canary, from: 0, seconds: 60, perSecond: 10, errorEvery: 20)
        #expect(hot.evaluate(atSecond: 59).overall == .fail)
        var warm = Judge(rules: [rule], minSamples: 100)
        feed(&warm, .canary, from: 0, seconds: 60, perSecond: 100, errorEvery: 33)
        #expect(warm.evaluate(atSecond: 59).overall == .pass)
    }

    @Test("the stage-start baseline is stable's p95 when the stage began; the canary is judged against it")
    func baseline() {
        let rule = JudgeRule(name: "latency_vs_baseline", kind: .latencyVsBaseline(perMille: 1_300), windowSeconds: 30, forSeconds: 0)
        var judge = Judge(rules: [rule], minSamples: 50)
        feed(&judge, .stable, from: 0, seconds: 30, perSecond: 5, latencyMicros: 100_000)
        feed(&judge, .canary, from: 0, seconds: 30, perSecond: 5, latencyMicros: 100_000)
        #expect(judge.evaluate(atSecond: 29).overall == .pass)
        let baseline = judge.baselineMicros
        #expect(baseline != nil)
        // Stable gets slower too (a shared dependency): the canary at 2× its old p95 still fails.
        feed(&judge, .stable, from: 30, seconds: 30, perSecond: 5, latencyMicros: 300_000)
        feed(&judge, .canary, from: 30, seconds: 30, perSecond: 5, latencyMicros: 300_000)
        #expect(judge.evaluate(atSecond: 59).overall == .fail)
        #expect(judge.baselineMicros == baseline)
    }

    @Test("a new stage is judged on its own traffic: errors from before it (a rolled-back cutover) do not count")
    func stageStartCutsTheWindow() {
        let rule = JudgeRule(name: "error_ratio", kind: .errorRatio(ppm: 20_000), windowSeconds: 60, forSeconds: 0)
        var judge = Judge(rules: [rule], minSamples: 50)
        feed(&judge, .canary, from: 0, seconds: 30, perSecond: 10, errorEvery: 2)
        #expect(judge.evaluate(atSecond: 29).overall == .fail)
        judge.startStage(atSecond: 30)
        feed(&judge, .canary, from: 30, seconds: 3, perSecond: 10)
        #expect(judge.evaluate(atSecond: 32).overall == .inconclusive, "30 clean samples since the start: too few, and the old errors are not read")
        feed(&judge, .canary, from: 33, seconds: 7, perSecond: 10)
        #expect(judge.evaluate(atSecond: 39).overall == .pass)
    }

    @Test("a latency lands in the first bucket whose bound holds it")
    func buckets() {
        let bounds = ArmWindow.boundsMicros
        for micros: Int64 in [0, 1, 100, 101, 105, 50_000, 1_199_999, 1_200_000, 59_999_999, 60_000_000, 60_000_001, Int64.max] {
            let linear = bounds.firstIndex { micros <= $0 } ?? bounds.count - 1
            #expect(ArmWindow.bucket(micros) == linear, "\(micros) µs")
        }
    }

    @Test("windows slide: old seconds fall out, and p95 interpolates inside its bucket")
    func windows() {
        var window = ArmWindow(seconds: 10)
        for second in Int64(0)..<10 {
            window.record(atSecond: second, latencyMicros: 60_000, error: second < 5, costMicros: 100, securityViolation: false)
        }
        #expect(window.tally(window: 10, endingAt: 9).errors == 5)
        #expect(window.tally(window: 5, endingAt: 9).errors == 0)
        #expect(window.tally(window: 10, endingAt: 14).requests == 5, "seconds 0–4 fell out")
        let p95 = window.tally(window: 10, endingAt: 9).quantileMicros(perMille: 950)
        #expect(p95 != nil && p95! > 50_000 && p95! <= 100_000)
        #expect(window.tally(window: 10, endingAt: 9).costPerRequestMicros == 100)
    }
}
