/// One observation of a check: a Prometheus point, a load-test window, a drill figure.
/// `value == nil` is a window without data (Prometheus `NaN`, locust `N/A`).
public struct GateSample: Sendable, Equatable {
    /// Unix time in milliseconds.
    public var atMillis: Int64
    public var value: GateNumber?

    public init(atMillis: Int64, value: GateNumber?) {
        self.atMillis = atMillis
        self.value = value
    }
}

/// What a check's samples add up to.
public struct CheckOutcome: Sendable, Equatable {
    public var verdict: GateVerdict
    /// The worst sample for the threshold (nil with no data).
    public var value: GateNumber?
    /// Samples with data.
    public var samples: Int
    /// Samples that missed the threshold.
    public var failing: Int
    /// The longest run of consecutive failing samples.
    public var longestFailingRun: Int
    public var reason: String

    public init(verdict: GateVerdict, value: GateNumber?, samples: Int, failing: Int, longestFailingRun: Int, reason: String) {
        self.verdict = verdict
        self.value = value
        self.samples = samples
        self.failing = failing
        self.longestFailingRun = longestFailingRun
        self.reason = reason
    }
}

/// The verdict rule of SPEC §11 over a window of samples: `failAfter` consecutive failing
/// samples fail the check (fewer are reported but do not trip it: the seed's "two
/// consecutive failing windows" for the noisy load test); otherwise fewer than `minSamples`
/// with data is no data (INCONCLUSIVE, or FAIL when the gate says so, never PASS). A window
/// without data between two failing ones neither breaks nor extends the run.
public enum WindowJudgement {
    public static func judge(
        _ series: [[GateSample]], threshold: Threshold, failAfter: Int, minSamples: Int, onNoData: NoDataRule
    ) -> CheckOutcome {
        var worst: GateNumber?
        var samples = 0
        var failing = 0
        var longest = 0
        for points in series {
            var run = 0
            for point in points.sorted(by: { $0.atMillis < $1.atMillis }) {
                guard let value = point.value else { continue }
                samples += 1
                worst = worst.map { threshold.worse($0, value) } ?? value
                if threshold.isMet(by: value) {
                    run = 0
                } else {
                    failing += 1
                    run += 1
                    longest = max(longest, run)
                }
            }
        }
        // A tripped check is conclusive however few samples it has: `fail_after` consecutive
        // failing windows are evidence. Too few samples only ever stop a PASS.
        if longest >= failAfter {
            return CheckOutcome(
                verdict: .fail, value: worst, samples: samples, failing: failing, longestFailingRun: longest,
                reason: "\(longest) consecutive sample(s) miss \(threshold) (fail_after \(failAfter)); worst \(worst.map(String.init(describing:)) ?? "-")")
        }
        if samples < minSamples {
            let verdict: GateVerdict = onNoData == .fail ? .fail : .inconclusive
            let what = samples == 0 ? "no data" : "\(samples) sample(s) with data"
            return CheckOutcome(
                verdict: verdict, value: worst, samples: samples, failing: failing, longestFailingRun: longest,
                reason: "\(what), \(minSamples) needed (on_no_data: \(onNoData.rawValue))")
        }
        let note = failing == 0
            ? "all \(samples) sample(s) meet \(threshold)"
            : "\(failing) isolated failing sample(s), at most \(longest) in a row (fail_after \(failAfter))"
        return CheckOutcome(verdict: .pass, value: worst, samples: samples, failing: failing, longestFailingRun: longest, reason: note)
    }
}
