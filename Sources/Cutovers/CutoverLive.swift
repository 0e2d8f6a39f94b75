import Cutover
import Kit
import Ports
import Synchronization

/// What this replica routes by now, and its judge. Every request reads the split under
/// one lock; every routed request's ending is counted into the judge under another. The
/// engine installs each new snapshot (from a change here, the Redis broadcast or the
/// poll); a snapshot is only ever replaced by a newer version, except that a rollback this
/// replica decided while Postgres was gone applies at once (`rollBackLocally`).
public final class CutoverLive: CanaryRouting {
    struct Routing: Sendable {
        var snapshot: CutoverSnapshot
        var split: CanarySplit
        /// A rollback decided here that Postgres has not taken yet.
        var localRollback: String?
    }

    public let forceRoles: Set<String>
    public let securityCodes: Set<String>
    let include: Set<String>
    let exclude: Set<String>
    /// Whether a canary upstream is configured: without one nothing is ever routed to it.
    let hasCanary: Bool
    private let routing: Mutex<Routing>
    private let judge: Mutex<Judge>
    private let clock: @Sendable () -> Int64
    /// Called (off the request path) when a canary answer is a security violation.
    private let onSecurityViolation: Mutex<(@Sendable () -> Void)?> = Mutex(nil)

    public init(
        forceRoles: Set<String>, securityCodes: Set<String>, include: Set<String>, exclude: Set<String>, hasCanary: Bool,
        judge: Judge, clock: @escaping @Sendable () -> Int64
    ) {
        self.forceRoles = forceRoles
        self.securityCodes = securityCodes
        self.include = include
        self.exclude = exclude
        self.hasCanary = hasCanary
        self.routing = Mutex(Routing(snapshot: .unknown, split: .off, localRollback: nil))
        self.judge = Mutex(judge)
        self.clock = clock
    }

    public func route(tenant: String?, forced: Arm?) -> Arm? {
        let split = routing.withLock { $0.split }
        guard split.weightBasisPoints > 0 else { return nil }
        return split.arm(tenant: tenant, forced: forced)
    }

    public func observe(_ observation: ArmObservation) {
        let now = clock()
        let trip = judge.withLock {
            $0.record(
                arm: observation.arm, rootFields: observation.rootFields, atSecond: now, latencyMicros: observation.latencyMicros,
                error: observation.error, costMicros: observation.costMicros, securityViolation: observation.securityViolation)
        }
        if trip, let handler = onSecurityViolation.withLock({ $0 }) { handler() }
    }

    func setSecurityHandler(_ handler: @escaping @Sendable () -> Void) {
        onSecurityViolation.withLock { $0 = handler }
    }

    public var snapshot: CutoverSnapshot { routing.withLock { $0.snapshot } }

    /// The weight this replica routes with now, in percent.
    public var weightPercent: Int { routing.withLock { $0.split.weightBasisPoints / 100 } }

    /// Installs `snapshot` when it is newer; a new stage (or a new cutover) restarts the
    /// judge's breach clocks. True when it changed what is routed.
    @discardableResult
    func install(_ snapshot: CutoverSnapshot) -> Bool {
        let (changed, newStage) = routing.withLock { routing -> (Bool, Bool) in
            guard snapshot.version > routing.snapshot.version else { return (false, false) }
            let old = routing.snapshot
            routing.snapshot = snapshot
            // A local rollback stands until Postgres has one too.
            if routing.localRollback != nil, snapshot.state.weightPercent > 0 {
                return (true, false)
            }
            routing.localRollback = nil
            routing.split = split(for: snapshot.state)
            let newStage = old.cutoverID != snapshot.cutoverID || old.state.stageIndex != snapshot.state.stageIndex
                || old.state.status != snapshot.state.status
            return (true, newStage)
        }
        if newStage {
            let now = clock()
            judge.withLock { $0.startStage(atSecond: now) }
        }
        return changed
    }

    /// Weight 0 here at once, whatever Postgres says, until a rollback lands there.
    func rollBackLocally(reason: String) {
        routing.withLock { routing in
            routing.localRollback = reason
            routing.split = .off
        }
    }

    var pendingLocalRollback: String? { routing.withLock { $0.localRollback } }

    func clearLocalRollback() {
        routing.withLock { routing in
            routing.localRollback = nil
            routing.split = split(for: routing.snapshot.state)
        }
    }

    private func split(for state: CutoverState) -> CanarySplit {
        guard hasCanary else { return .off }
        return CanarySplit(percent: state.weightPercent, include: include, exclude: exclude)
    }

    /// The judge's verdict now (advancing its breach clocks).
    func evaluate() -> StageVerdict {
        let now = clock()
        let stableExpected = routing.withLock { $0.split.weightBasisPoints < CanaryBucket.count }
        return judge.withLock { $0.evaluate(atSecond: now, stableExpected: stableExpected) }
    }

    var now: Int64 { clock() }

    /// Microseconds as exact milliseconds text (`1234` → `1.234`).
    static func millis(_ micros: Int64) -> String {
        let fraction = String(micros % 1_000)
        return "\(micros / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// The stage's summary as this replica saw it: each arm's requests, error ratio, p95 and
    /// cost per request over the judge's longest window (kept with promotions and rollbacks
    /// for the evidence bundle).
    func summary(_ verdict: StageVerdict) -> JSONValue {
        let now = clock()
        let tallies = judge.withLock { $0.tallies(atSecond: now) }
        let snapshot = snapshot
        func arm(_ tally: ArmWindow.Tally) -> JSONValue {
            .object([
                JSONMember("requests", .number(String(tally.requests))),
                JSONMember("errors", .number(String(tally.errors))),
                JSONMember("error_ratio_ppm", tally.errorRatioPPM.map { .number(String($0)) } ?? .null),
                JSONMember("p95_ms", tally.quantileMicros(perMille: 950).map { .number(Self.millis($0)) } ?? .null),
                JSONMember("cost_per_request_usd", tally.costPerRequestMicros.map { .string(MicroDollars.text($0)) } ?? .null),
                JSONMember("security_violations", .number(String(tally.securityViolations))),
            ])
        }
        return .object([
            JSONMember("stage", .number(String(snapshot.state.stageNumber))),
            JSONMember("weight_percent", .number(String(snapshot.state.weightPercent))),
            JSONMember("stable", arm(tallies[.stable] ?? ArmWindow.Tally())),
            JSONMember("canary", arm(tallies[.canary] ?? ArmWindow.Tally())),
            JSONMember("verdict", .string(verdict.overall.rawValue)),
            JSONMember("rules", .array(verdict.rules.map { .object([
                JSONMember("rule", .string($0.rule)), JSONMember("verdict", .string($0.verdict.rawValue)),
                JSONMember("detail", .string($0.detail)),
            ]) })),
            JSONMember("sign_offs", .array(snapshot.state.signOffs.map(\.json))),
        ])
    }
}
