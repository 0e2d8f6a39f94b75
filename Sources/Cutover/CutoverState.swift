/// One cutover's state, as every replica holds it (SPEC §10). Each change is a pure
/// function from a state to the next or a typed refusal, so the store, the admin API, the
/// CLI and the judge's ticks all follow one set of rules.
public struct CutoverState: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, CaseIterable {
        /// No cutover has run, or the last one finished: all traffic on stable.
        case idle
        case running
        /// Held by an operator: the weight stays, nothing is promoted automatically.
        case paused
        /// Weight 0; a new cutover needs an explicit start.
        case rolledBack = "rolled_back"
        /// The last stage (100 %) was promoted: all traffic on the canary.
        case completed
    }

    /// A stage owner's sign-off.
    public struct SignOff: Sendable, Equatable {
        public var person: String
        public var role: String
        public var atSeconds: Int64

        public init(person: String, role: String, atSeconds: Int64) {
            self.person = person
            self.role = role
            self.atSeconds = atSeconds
        }
    }

    public var status: Status = .idle
    public var plan: CutoverPlan?
    public var stageIndex = 0
    public var stageStartedAtSeconds: Int64 = 0
    public var startedBy: String?
    /// `canary.enable=false`: the weight is 0 whatever the status, until it is enabled again.
    public var killSwitchEngaged = false
    /// Sign-offs gathered for the current stage.
    public var signOffs: [SignOff] = []
    public var lastReason: String?
    /// Approvers overriding the freeze window in force (two distinct people make it active).
    public var freezeOverride: FreezeOverride?

    public init() {}

    /// The canary weight in percent this state routes with.
    public var weightPercent: Int {
        guard !killSwitchEngaged, let plan else { return 0 }
        switch status {
        case .running, .paused: return plan.stages[stageIndex]
        case .completed: return 100
        case .idle, .rolledBack: return 0
        }
    }

    /// Stage number as operators say it (1-based), 0 when none runs.
    public var stageNumber: Int { status == .running || status == .paused ? stageIndex + 1 : 0 }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case killSwitchEngaged
        case alreadyRunning(Status)
        case notRunning(Status)
        case badPlan(CutoverPlan.Problem)
        case holding(remainingSeconds: Int64)
        case verdict(String)
        case signOffsMissing([String])
        case gatesNotPassed([String])
        case starterCannotSignOff
        case alreadySignedOff(String)
        case roleNotNeeded(person: String, needed: [String])
        case frozen(String)
        case notFrozen
        case alreadyOverrodeFreeze(String)

        public var description: String {
            switch self {
            case .killSwitchEngaged: return "the canary kill switch is engaged (canary.enable=false); enable it first"
            case .alreadyRunning(let status): return "a cutover is already \(status.rawValue); roll it back or let it finish"
            case .notRunning(let status): return "no cutover is running (state: \(status.rawValue))"
            case .badPlan(let problem): return "\(problem)"
            case .holding(let remaining): return "the stage holds for another \(remaining) s"
            case .verdict(let why): return "the judge does not allow promotion: \(why)"
            case .signOffsMissing(let roles): return "the stage needs sign-off by: \(roles.joined(separator: ", "))"
            case .gatesNotPassed(let gates):
                return "the stage needs these go/no-go gates to PASS in a recent run (safemut gate validate): \(gates.joined(separator: "; "))"
            case .starterCannotSignOff: return "the person who started the cutover cannot sign off its stages"
            case .alreadySignedOff(let person): return "\(person) already signed off this stage; two distinct people are needed"
            case .roleNotNeeded(let person, let needed):
                return "\(person) holds none of the roles this stage still needs (\(needed.joined(separator: ", ")))"
            case .frozen(let window):
                return "inside the freeze window \(window): a cutover does not start or promote unless two approvers override the freeze"
                    + " (POST /admin/cutover/freeze-override); rollbacks are always allowed"
            case .notFrozen: return "no freeze window is in force now: there is nothing to override"
            case .alreadyOverrodeFreeze(let person): return "\(person) already overrode this freeze; a second approver is needed"
            }
        }
    }

    /// The freeze window in force at `now` that no active override lifts, if any.
    public func blockingFreeze(_ windows: [FreezeWindow], atSeconds now: Int64) -> FreezeWindow? {
        guard let window = windows.first(where: { $0.contains(epochSeconds: now) }) else { return nil }
        return freezeOverride?.active(atSeconds: now) == true ? nil : window
    }

    /// One approver's override of the freeze in force; with a second, distinct one it is
    /// active until that window's occurrence ends.
    public func overrideFreeze(by person: String, windows: [FreezeWindow], atSeconds now: Int64) -> Result<CutoverState, Refusal> {
        guard let until = windows.compactMap({ $0.end(containing: now) }).max() else { return .failure(.notFrozen) }
        var override = freezeOverride.flatMap { $0.untilSeconds > now ? $0 : nil } ?? FreezeOverride(approvers: [], untilSeconds: until)
        guard !override.approvers.contains(person) else { return .failure(.alreadyOverrodeFreeze(person)) }
        override.approvers.append(person)
        override.untilSeconds = until
        var next = self
        next.freezeOverride = override
        next.lastReason = "freeze override by \(person)"
        return .success(next)
    }

    /// Starts a cutover at its first stage. After a rollback this is the explicit start
    /// a new cutover needs. Inside a freeze window only with an active override.
    public func start(_ plan: CutoverPlan, by person: String, atSeconds now: Int64, freeze: [FreezeWindow] = []) -> Result<CutoverState, Refusal> {
        guard !killSwitchEngaged else { return .failure(.killSwitchEngaged) }
        guard status != .running, status != .paused else { return .failure(.alreadyRunning(status)) }
        if case .failure(let problem) = plan.validated() { return .failure(.badPlan(problem)) }
        if let window = blockingFreeze(freeze, atSeconds: now) { return .failure(.frozen(window.description)) }
        var next = CutoverState()
        next.freezeOverride = freezeOverride
        next.status = .running
        next.plan = plan
        next.stageStartedAtSeconds = now
        next.startedBy = person
        next.lastReason = "started by \(person)"
        return .success(next)
    }

    /// The roles the current stage still needs signed off.
    /// The gates the current stage needs to PASS before it is left.
    public var requiredGates: [String] {
        guard status == .running || status == .paused, let plan else { return [] }
        return plan.gates[stageIndex] ?? []
    }

    public var missingSignOffs: [String] {
        guard let plan, let needed = plan.signOffs[stageIndex] else { return [] }
        var missing = needed
        for signOff in signOffs {
            if let index = missing.firstIndex(of: signOff.role) { missing.remove(at: index) }
        }
        return missing
    }

    /// Records a stage owner's sign-off: one of the roles still needed, a person who has
    /// not signed this stage and did not start the cutover.
    public func signOff(by person: String, roles: Set<String>, atSeconds now: Int64) -> Result<CutoverState, Refusal> {
        guard status == .running || status == .paused else { return .failure(.notRunning(status)) }
        guard person != startedBy else { return .failure(.starterCannotSignOff) }
        guard !signOffs.contains(where: { $0.person == person }) else { return .failure(.alreadySignedOff(person)) }
        let missing = missingSignOffs
        guard let role = missing.first(where: { roles.contains($0) }) else {
            return .failure(.roleNotNeeded(person: person, needed: missing))
        }
        var next = self
        next.signOffs.append(SignOff(person: person, role: role, atSeconds: now))
        return .success(next)
    }

    /// Seconds the current stage has held.
    public func heldSeconds(atSeconds now: Int64) -> Int64 { max(0, now - stageStartedAtSeconds) }

    /// Leaves the current stage for the next (or completes at the last): the hold is over,
    /// the judge passes, the sign-offs are in. Only a running cutover is promoted.
    public func promote(
        verdict: StageVerdict, atSeconds now: Int64, reason: String, freeze: [FreezeWindow] = [], gates: [String: String] = [:]
    ) -> Result<CutoverState, Refusal> {
        guard status == .running, let plan else { return .failure(.notRunning(status)) }
        guard !killSwitchEngaged else { return .failure(.killSwitchEngaged) }
        if let window = blockingFreeze(freeze, atSeconds: now) { return .failure(.frozen(window.description)) }
        let held = heldSeconds(atSeconds: now)
        guard held >= plan.holdSeconds else { return .failure(.holding(remainingSeconds: plan.holdSeconds - held)) }
        switch verdict.overall {
        case .pass: break
        case .hold, .inconclusive, .fail: return .failure(.verdict(verdict.summary))
        }
        let missing = missingSignOffs
        guard missing.isEmpty else { return .failure(.signOffsMissing(missing)) }
        let unmet = requiredGates.filter { gates[$0] != "PASS" }.map { "\($0): \(gates[$0] ?? "no verdict")" }
        guard unmet.isEmpty else { return .failure(.gatesNotPassed(unmet)) }
        var next = self
        next.signOffs = []
        next.stageStartedAtSeconds = now
        next.lastReason = reason
        if stageIndex + 1 < plan.stages.count {
            next.stageIndex = stageIndex + 1
        } else {
            next.status = .completed
        }
        return .success(next)
    }

    public func pause(reason: String) -> Result<CutoverState, Refusal> {
        guard status == .running else { return .failure(.notRunning(status)) }
        var next = self
        next.status = .paused
        next.lastReason = reason
        return .success(next)
    }

    /// Resumes a paused stage; its hold starts again.
    public func resume(atSeconds now: Int64, reason: String) -> Result<CutoverState, Refusal> {
        guard status == .paused else { return .failure(.notRunning(status)) }
        var next = self
        next.status = .running
        next.stageStartedAtSeconds = now
        next.lastReason = reason
        return .success(next)
    }

    /// Weight 0 at once. Always allowed while a cutover runs or is paused, freeze or not.
    public func rollBack(reason: String) -> Result<CutoverState, Refusal> {
        guard status == .running || status == .paused else { return .failure(.notRunning(status)) }
        var next = self
        next.status = .rolledBack
        next.signOffs = []
        next.lastReason = reason
        return .success(next)
    }

    /// The kill switch. Engaging it rolls back a running cutover (weight 0 at once);
    /// releasing it starts nothing.
    public func killSwitch(enable: Bool, reason: String) -> CutoverState {
        var next = self
        next.killSwitchEngaged = !enable
        if !enable, status == .running || status == .paused {
            next.status = .rolledBack
            next.signOffs = []
        }
        next.lastReason = reason
        return next
    }

    /// What the judge's verdict does by itself on a tick: a failure rolls back when the plan
    /// says so; a green, held stage with its sign-offs promotes when the plan says so.
    /// Nil: nothing changes.
    public func tick(verdict: StageVerdict, atSeconds now: Int64, freeze: [FreezeWindow] = [], gates: [String: String] = [:]) -> CutoverState? {
        guard status == .running, let plan, !killSwitchEngaged else { return nil }
        if verdict.overall == .fail, plan.autoRollback {
            return try? rollBack(reason: "auto-rollback: \(verdict.summary)").get()
        }
        if plan.autoPromote, verdict.overall == .pass {
            return try? promote(verdict: verdict, atSeconds: now, reason: "auto-promote after a green hold", freeze: freeze, gates: gates).get()
        }
        return nil
    }
}
