import Cutover
import Foundation
import Kit
import Logging
import Postgres
import Redis
import Synchronization

/// Keeps this replica's `CutoverLive` current and acts on its judge:
/// - every change made here goes through `CutoverStore` (one transaction), is installed
///   at once and announced on the Redis channel `safemut:cutover` (payload: the version);
/// - a message on that channel makes every other replica read the state at once; a poll
///   of the version every `canary.poll_ms` covers a Redis that is gone;
/// - once a second the judge is evaluated: its verdicts are metrics and, on a change, a
///   log line; a tick may roll back (auto_rollback) or promote (auto_promote);
/// - a security violation on the canary rolls back on that request;
/// - Postgres gone: the split keeps its last known weight, and a rollback decided here
///   applies locally at once and is written when Postgres is back.
public final class CutoverEngine: Sendable {
    public static let channel = "safemut:cutover"

    public let live: CutoverLive
    let store: CutoverStore?
    /// The Redis broadcast and the 1 s Postgres poll every replica follows the state by.
    let follower: VersionFollower
    let metrics: CutoverMetrics
    let logger: Logger
    /// `canary.enable: false` (or `CANARY_ENABLE=false`) at start: engaged durably.
    let enabledAtStart: Bool
    /// `canary.freeze_windows`: no start or promotion inside one without an override.
    public let freeze: [FreezeWindow]
    /// The newest recent verdict of each named go/no-go gate (`canary.gates`): "PASS", or
    /// what else it is ("FAIL in run 12", "no run in the last 3600 s").
    let gateStanding: @Sendable ([String]) async -> [String: String]
    private let lastVerdicts = Mutex<[String: Verdict]>([:])
    private let verdict = Mutex<StageVerdict>(.green)

    public init(
        live: CutoverLive, store: CutoverStore?, redis: RedisClient?, subscriber: RedisSubscriber?, metrics: CutoverMetrics,
        poll: Duration, enabledAtStart: Bool, freeze: [FreezeWindow] = [],
        gateStanding: @escaping @Sendable ([String]) async -> [String: String] = { _ in [:] }, logger: Logger
    ) {
        self.freeze = freeze
        self.gateStanding = gateStanding
        self.live = live
        self.store = store
        self.follower = VersionFollower(channel: Self.channel, redis: redis, subscriber: subscriber, poll: poll, logger: logger)
        self.metrics = metrics
        self.enabledAtStart = enabledAtStart
        self.logger = logger
        live.setSecurityHandler { [weak self] in
            guard let self else { return }
            Task { await self.rollBack(reason: "security violation on the canary", kind: "security", actor: "safemut-judge") }
        }
    }

    /// Reads the shared state, engages the kill switch when the config says so, and starts
    /// the subscription, the poll and the judge's ticks.
    public func start() async {
        await refresh()
        if !enabledAtStart, !live.snapshot.state.killSwitchEngaged {
            _ = await change(event: "kill_switch", actor: "safemut (canary.enable=false)") { state in
                .success(state.killSwitch(enable: false, reason: "canary.enable=false at start"))
            }
        }
        follower.start(
            reload: { [weak self] in await self?.refresh() },
            isStale: { [weak self] in await self?.isStale() ?? false },
            extra: [{ [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    guard let self else { return }
                    await self.tick()
                }
            }])
    }

    public func stop() {
        follower.stop()
    }

    /// The judge's last verdict.
    public var lastVerdict: StageVerdict { verdict.withLock { $0 } }

    /// Applies one rule to the shared state, installs the result here and announces it.
    public func change(
        event: String, actor: String, detail: JSONValue = .object([]),
        _ rule: @escaping @Sendable (CutoverState) -> Result<CutoverState, CutoverState.Refusal>
    ) async -> Result<CutoverSnapshot, CutoverChangeError> {
        guard let store else {
            return .failure(.other("the cutover needs Postgres for its shared state: set database.url"))
        }
        let result = await store.change(event: event, actor: actor, atSeconds: live.now, detail: detail, rule)
        if case .success(let snapshot) = result {
            install(snapshot)
            logger.notice("cutover changed", metadata: [
                "cutover.event": "\(event)", "cutover.actor": "\(actor)", "cutover.status": "\(snapshot.state.status.rawValue)",
                "cutover.weight_percent": "\(snapshot.state.weightPercent)", "cutover.reason": "\(snapshot.state.lastReason ?? "")",
            ])
            await announce(snapshot.version)
        }
        return result
    }

    /// Weight 0 now: locally at once, then in the shared state (retried by the ticks while
    /// Postgres is gone). Always allowed.
    public func rollBack(reason: String, kind: String, actor: String) async {
        let state = live.snapshot.state
        guard state.status == .running || state.status == .paused || live.pendingLocalRollback != nil else { return }
        if live.pendingLocalRollback == nil { metrics.rolledBack(reason: kind) }
        live.rollBackLocally(reason: reason)
        metrics.show(live.snapshot.state.rollBackOrSelf(reason: reason))
        let detail = JSONValue.object([
            JSONMember("kind", .string(kind)), JSONMember("summary", live.summary(lastVerdict)),
        ])
        switch await change(event: "rollback", actor: actor, detail: detail, { $0.rollBack(reason: reason) }) {
        case .success:
            live.clearLocalRollback()
        case .failure(.refused):
            // Someone rolled it back (or killed it) first: the shared state already has weight 0.
            await refresh()
            live.clearLocalRollback()
        case .failure(let error):
            logger.error("rollback applied here but not yet in Postgres; retrying every second", metadata: ["error": "\(error)"])
        }
    }

    func install(_ snapshot: CutoverSnapshot) {
        if live.install(snapshot) { metrics.show(snapshot.state) }
    }

    func refresh() async {
        guard let store else { return }
        do {
            install(try await store.load())
        } catch {
            logger.warning("cutover state not read; routing by the last known weight", metadata: ["error": "\(error)"])
        }
    }

    /// Whether Postgres holds a newer state than the one installed here.
    func isStale() async -> Bool {
        guard let store else { return false }
        // Unreadable: refresh() logs it when it matters; the poll just tries again.
        return ((try? await store.version()) ?? 0) > live.snapshot.version
    }

    func announce(_ version: Int64) async {
        await follower.announce(version, what: "cutover")
    }

    /// One second of the judge.
    func tick() async {
        let verdict = live.evaluate()
        self.verdict.withLock { $0 = verdict }
        metrics.show(verdict)
        let changed = lastVerdicts.withLock { last -> [RuleVerdict] in
            let moved = verdict.rules.filter { last[$0.rule] != $0.verdict }
            for rule in verdict.rules { last[rule.rule] = rule.verdict }
            return moved
        }
        let state = live.snapshot.state
        for rule in changed where state.status == .running || state.status == .paused {
            logger.notice("canary judge verdict changed", metadata: [
                "judge.rule": "\(rule.rule)", "judge.verdict": "\(rule.verdict.rawValue)", "judge.detail": "\(rule.detail)",
            ])
        }
        if let pending = live.pendingLocalRollback {
            await rollBack(reason: pending, kind: "auto", actor: "safemut-judge")
            return
        }
        let now = live.now
        // The gates are read only when the stage could be promoted by itself now.
        let needsGates = state.plan?.autoPromote == true && verdict.overall == .pass && !state.requiredGates.isEmpty
            && state.heldSeconds(atSeconds: now) >= (state.plan?.holdSeconds ?? 0)
        let gates = needsGates ? await gateStanding(state.requiredGates) : [:]
        guard let next = state.tick(verdict: verdict, atSeconds: now, freeze: freeze, gates: gates) else { return }
        if next.status == .rolledBack {
            await rollBack(reason: next.lastReason ?? "auto-rollback", kind: "auto", actor: "safemut-judge")
        } else {
            let detail = JSONValue.object([JSONMember("summary", live.summary(verdict))])
            _ = await change(event: "promote", actor: "safemut-judge", detail: detail) { state in
                state.promote(verdict: verdict, atSeconds: now, reason: "auto-promote after a green hold", freeze: self.freeze, gates: gates)
            }
        }
    }
}

extension CutoverState {
    /// Itself rolled back when a cutover runs, else itself (for the gauges of a local rollback).
    func rollBackOrSelf(reason: String) -> CutoverState {
        (try? rollBack(reason: reason).get()) ?? self
    }
}
