/// The canary cutover (`canary.*`, issue 15, SPEC §10): the second upstream, the stages,
/// the split's lists, and the judge's rules. The thresholds are exact integers: per mille
/// for ratios (1.2× = 1200), parts per million for percentages (2 % = 20,000).
public struct CutoverConfig: Sendable, Equatable {
    /// `canary.enable`, env `CANARY_ENABLE`: false is the kill switch (weight 0 at once,
    /// durable: it is written to the shared state at start).
    public var enable = true
    /// `canary.upstream.url`, env `CANARY_UPSTREAM_URL`: the canary arm. Unset: no cutover
    /// can start and every request goes to `upstream.url`.
    public var upstreamURL: HTTPEndpoint?
    /// `canary.health_path`: what a cutover start asks the canary (`GET`, expects 2xx): a
    /// canary that is down or refusing is not given traffic.
    public var healthPath = "/health"
    /// `canary.freeze_windows`: weekly UTC windows such as `Tue 20:00-23:00` (seed 003) in
    /// which a cutover does not start or promote unless two approvers override the freeze.
    public var freezeWindows: [String] = []
    /// `canary.stages`: weights in percent, increasing, ending at 100.
    public var stages: [Int] = [5, 25, 50, 100]
    /// `canary.hold`: how long each stage holds green before it may be promoted.
    public var hold: Duration = .seconds(20 * 60)
    /// `canary.auto_promote`: promote by itself after a green hold (else `promote` by hand).
    public var autoPromote = false
    /// `canary.auto_rollback`: roll back by itself when the judge fails the canary.
    public var autoRollback = true
    /// `canary.include_tenants`: on the canary first, at any weight above 0 (internal tenants).
    public var includeTenants: [String] = []
    /// `canary.exclude_tenants`: never on the canary.
    public var excludeTenants: [String] = []
    /// `canary.force_roles`: roles whose requests may force an arm with `X-Canary`.
    public var forceRoles: [String] = ["admin", "sre"]
    /// `canary.min_samples`: requests per arm a rule's window needs; fewer is inconclusive.
    public var minSamples = 200
    /// `canary.security_codes`: GraphQL error codes (`extensions.code`) that are a security
    /// violation when the canary answers with them.
    public var securityCodes: [String] = ["CROSS_TENANT_ACCESS", "RESIDENCY_VIOLATION"]
    /// `canary.poll_ms`: how often a replica reads the shared state from Postgres (Redis
    /// broadcasts a change at once; the poll covers a Redis that is gone).
    public var poll: Duration = .seconds(1)
    /// `canary.rules.*`: the judge's rules (seed defaults).
    public var rules = CutoverRules()
    /// `canary.gates`: go/no-go gates (SPEC §11) that must PASS before a stage is left:
    /// `G1` for every stage, `50:G7` only for the stage at 50 %. Empty: none.
    public var gates: [String] = []
    /// `canary.gate_max_age`: how recent the `safemut gate validate` run must be.
    public var gateMaxAge: Duration = .seconds(3_600)

    public init() {}
}

/// One seed rule's switches: `canary.rules.<name>.enabled`, `.window`, `.for`.
public struct CutoverRuleTiming: Sendable, Equatable {
    public var enabled = true
    public var window: Duration
    public var sustain: Duration

    public init(window: Duration, sustain: Duration) {
        self.window = window
        self.sustain = sustain
    }
}

/// The seed rules (003, 004) with their thresholds.
public struct CutoverRules: Sendable, Equatable {
    /// Canary p95 > ratio × stable p95 (`latency_vs_stable.ratio`, 1.2) for 10 m.
    public var latencyVsStable = CutoverRuleTiming(window: .seconds(600), sustain: .seconds(600))
    public var latencyVsStablePerMille = 1_200
    /// Canary error ratio ≥ `error_ratio.percent` (2) for 5 m.
    public var errorRatio = CutoverRuleTiming(window: .seconds(300), sustain: .seconds(300))
    public var errorRatioPPM = 20_000
    /// Error-budget burn above `burn_rate.budget_percent_per_hour` (6) at `burn_rate.slo_percent` (99.9) for 10 m.
    public var burnRate = CutoverRuleTiming(window: .seconds(600), sustain: .seconds(600))
    public var burnRateSLOPPM = 999_000
    public var burnRateBudgetPerHourPPM = 60_000
    /// Canary p95 > ratio × the stage-start baseline (`latency_vs_baseline.ratio`, 1.3) for 15 m.
    public var latencyVsBaseline = CutoverRuleTiming(window: .seconds(900), sustain: .seconds(900))
    public var latencyVsBaselinePerMille = 1_300
    /// Cost per request: hold above `cost_per_request.hold_ratio` (1.1), fail above `.fail_ratio` (3).
    public var costPerRequest = CutoverRuleTiming(window: .seconds(600), sustain: .seconds(300))
    public var costHoldPerMille = 1_100
    public var costFailPerMille = 3_000
    /// Any security violation on the canary (`security.window`: how long one keeps failing the stage).
    public var security = CutoverRuleTiming(window: .seconds(60), sustain: .zero)
    /// `canary.rules.path_p95`: the seed's "3-hop path queries p95 > 1200 ms for 10 minutes",
    /// scoped to `path_p95.operations` (root fields); off until operations are named.
    public var pathP95 = CutoverRuleTiming(window: .seconds(600), sustain: .seconds(600))
    public var pathP95Micros = 1_200_000
    public var pathOperations: [String] = []

    public init() {}
}

extension Duration {
    /// A duration as operators write it (`canary.hold`, `safemut cutover execute --hold`):
    /// `20m`, `90s`, `1h`, `500ms`, whole numbers, from 0 up to a week; nil otherwise.
    public init?(operatorText text: String) {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, millis) in units where text.hasSuffix(suffix) {
            guard let number = parseInteger(String(text.dropLast(suffix.count))) else { return nil }
            let total = Int64(number) * millis
            guard total <= 7 * 86_400_000 else { return nil }
            self = .milliseconds(total)
            return
        }
        return nil
    }
}

extension ValueCodec where Value == Duration {
    /// A duration as operators write it: `20m`, `90s`, `1h`, `500ms` (whole numbers), from
    /// 0 up to a week.
    static var durationText: Self {
        Self(
            expected: "a duration such as 500ms, 90s, 20m or 1h (up to 7 days)",
            parse: { Duration(operatorText: $0) },
            render: { duration in
                let millis = duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000
                if millis % 3_600_000 == 0, millis > 0 { return "\(millis / 3_600_000)h" }
                if millis % 60_000 == 0, millis > 0 { return "\(millis / 60_000)m" }
                if millis % 1_000 == 0 { return "\(millis / 1_000)s" }
                return "\(millis)ms"
            }
        )
    }
}

extension ValueCodec where Value == Int {
    /// A decimal with up to `decimals` places, stored scaled by 10^decimals (`1.2` with 3
    /// places is 1200), within `range` of the scaled value.
    static func scaledDecimal(decimals: Int, _ range: ClosedRange<Int>, expected: String) -> Self {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        return Self(
            expected: expected,
            parse: { text in
                let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                guard let whole = parts.first.flatMap({ parseInteger(String($0)) }) else { return nil }
                var fraction = 0
                if parts.count == 2 {
                    let digits = parts[1]
                    guard !digits.isEmpty, digits.count <= decimals, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
                    fraction = value
                    for _ in digits.count..<decimals { fraction *= 10 }
                }
                let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
                guard !overflow else { return nil }
                let total = scaled + fraction
                return range.contains(total) ? total : nil
            },
            render: { value in
                let fraction = String(value % scale)
                var text = "\(value / scale)." + String(repeating: "0", count: decimals - fraction.count) + fraction
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
                return text
            }
        )
    }
}

extension ValueCodec where Value == [String] {
    /// A YAML list (or comma-separated environment value) of short texts: 1–64 printable
    /// characters each, no commas; what they mean is checked by the module that reads them.
    static var shortTextList: Self {
        Self(
            expected: "a list of texts such as [\"Tue 20:00-23:00\"]",
            parse: { text in
                let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
                guard items.allSatisfy({ !$0.isEmpty && $0.count <= 64 && $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } }) else {
                    return nil
                }
                return items
            },
            render: { $0.joined(separator: ",") }
        )
    }
}

extension ValueCodec where Value == [Int] {
    /// Canary stages: whole percents, comma-separated or a YAML list (`[5, 25, 50, 100]`);
    /// the order rules are the cutover's to check, with a message naming the stage.
    static var percentList: Self {
        Self(
            expected: "a list of whole percents such as [5, 25, 50, 100]",
            parse: { text in
                let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
                var values: [Int] = []
                for item in items {
                    guard let value = parseInteger(item), (1...100).contains(value) else { return nil }
                    values.append(value)
                }
                return values.isEmpty ? nil : values
            },
            render: { $0.map(String.init).joined(separator: ",") }
        )
    }
}

extension ValueCodec where Value == [String] {
    /// `G1` or `WEIGHT:G1` items (a gate id, optionally bound to one stage's weight).
    static var gateRequirementList: Self {
        Self(
            expected: "a list of gate ids, each optionally bound to a stage weight, such as [G1, G4, \"50:G7\"]",
            parse: { text in
                let items = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
                var values: [String] = []
                for item in items where !item.isEmpty {
                    let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count <= 2, let id = parts.last, !id.isEmpty, id.utf8.count <= 32,
                          id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F || $0 == 0x2E || $0 == 0x2D })
                    else { return nil }
                    if parts.count == 2 { guard let weight = parseInteger(parts[0]), (1...100).contains(weight) else { return nil } }
                    values.append(item)
                }
                return values
            },
            render: { $0.joined(separator: ",") }
        )
    }
}
