import Downshift
import Foundation
import Kit
import Logging
import Postgres
import Redis
import Synchronization

/// A change the engine could not make.
public enum DownshiftChangeError: Error, Sendable, CustomStringConvertible {
    case refused(DownshiftState.Refusal)
    case unavailable(String)

    public var description: String {
        switch self {
        case .refused(let refusal): "\(refusal)"
        case .unavailable(let why): why
        }
    }
}

/// Runs the ladder on one replica: follows the shared state (Redis broadcast, Postgres
/// poll), applies operators' changes, ends an expired manual tier, and moves the automatic
/// tier with the money burn. Every replica may evaluate the burn; the row lock and the
/// version make them agree, and an evaluation that changes nothing writes nothing.
public final class DownshiftEngine: Sendable {
    public static let channel = "safemut:downshift"

    public let live: DownshiftLive
    let store: DownshiftStore?
    let follower: VersionFollower
    let metrics: DownshiftMetrics
    let burns: BudgetBurnReader
    let rule: AutoTierRule
    let autoEnabled: Bool
    let interval: Duration
    public let maxTTLMinutes: Int64
    let logger: Logger
    /// Set by the synthetic checks: a failing P0 check stops automatic escalation.
    let escalationBlocked = Atomic<Bool>(false)
    /// Called after the tier in force changes on this replica (the synthetic checks run).
    private let onTierChange = Mutex<(@Sendable (DownshiftTier) -> Void)?>(nil)
    /// The last readings, for `GET /admin/downshift`.
    private let lastReadings = Mutex<[BudgetBurnReader.Reading]>([])

    public init(
        live: DownshiftLive, store: DownshiftStore?, redis: RedisClient?, subscriber: RedisSubscriber?, metrics: DownshiftMetrics,
        burns: BudgetBurnReader, rule: AutoTierRule, autoEnabled: Bool, interval: Duration, poll: Duration, maxTTLMinutes: Int64,
        logger: Logger
    ) {
        self.live = live
        self.store = store
        self.follower = VersionFollower(channel: Self.channel, redis: redis, subscriber: subscriber, poll: poll, logger: logger)
        self.metrics = metrics
        self.burns = burns
        self.rule = rule
        self.autoEnabled = autoEnabled
        self.interval = interval
        self.maxTTLMinutes = maxTTLMinutes
        self.logger = logger
    }

    public func whenTierChanges(_ handler: @escaping @Sendable (DownshiftTier) -> Void) {
        onTierChange.withLock { $0 = handler }
    }

    public func blockEscalation(_ blocked: Bool) {
        escalationBlocked.store(blocked, ordering: .relaxed)
    }

    public var readings: [BudgetBurnReader.Reading] { lastReadings.withLock { $0 } }

    public func start() async {
        await refresh()
        var loops: [@Sendable () async -> Void] = [{ [weak self] in
            // A manual tier's TTL: once a second, so the tier below applies within a second.
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                guard let self else { return }
                await self.expireManual()
                self.live.refreshTier()
                self.show()
            }
        }]
        if autoEnabled && !burns.isEmpty {
            let interval = self.interval
            loops.append({ [weak self] in
                while !Task.isCancelled {
                    guard let self else { return }
                    await self.evaluateBurn()
                    try? await Task.sleep(for: interval)
                }
            })
        }
        follower.start(reload: { [weak self] in await self?.refresh() }, isStale: { [weak self] in await self?.isStale() ?? false }, extra: loops)
    }

    public func stop() {
        follower.stop()
    }

    /// One change by `actor`, stored, installed here and announced.
    public func change(
        event: String, actor: String, detail: JSONValue = .object([]),
        _ rule: @escaping @Sendable (DownshiftState) -> Result<DownshiftState?, DownshiftState.Refusal>
    ) async -> Result<DownshiftStore.Snapshot?, DownshiftChangeError> {
        guard let store else { return .failure(.unavailable("the downshift tier lives in Postgres: set database.url")) }
        do {
            switch try await store.change(event: event, actor: actor, atSeconds: live.now, detail: detail, rule) {
            case .failure(let refusal): return .failure(.refused(refusal))
            case .success(nil): return .success(nil)
            case .success(let snapshot?):
                install(snapshot)
                let tier = snapshot.state.tier(atSeconds: live.now)
                logger.notice("downshift changed", metadata: [
                    "downshift.event": "\(event)", "downshift.actor": "\(actor)", "downshift.tier": "\(tier.rawValue)",
                    "downshift.manual": "\(snapshot.state.isManual(atSeconds: live.now))",
                ])
                await follower.announce(snapshot.version, what: "downshift")
                return .success(snapshot)
            }
        } catch {
            return .failure(.unavailable("cannot change the tier: Postgres: \(error)"))
        }
    }

    func install(_ snapshot: DownshiftStore.Snapshot) {
        if live.install(snapshot) {
            show()
            let tier = live.tier
            onTierChange.withLock { $0 }?(tier)
        }
    }

    func show() {
        let state = live.snapshot.state
        metrics.show(tier: state.tier(atSeconds: live.now), manual: state.isManual(atSeconds: live.now))
    }

    func refresh() async {
        guard let store else { return }
        do {
            install(try await store.load())
        } catch {
            logger.warning("downshift tier not read; serving by the last known tier", metadata: ["error": "\(error)"])
        }
    }

    func isStale() async -> Bool {
        guard let store else { return false }
        return ((try? await store.version()) ?? 0) > live.snapshot.version
    }

    func expireManual() async {
        let now = live.now
        guard let manual = live.snapshot.state.manual, let end = manual.expiresAtSeconds, now >= end else { return }
        _ = await change(event: "expire", actor: "safemut (ttl)") { state in
            guard let stored = state.manual, let end = stored.expiresAtSeconds, now >= end else { return .success(nil) }
            return .success(state.returningToAutomatic())
        }
    }

    /// Reads every budget, takes the worst effective burn, and moves the automatic tier.
    func evaluateBurn() async {
        let now = live.now
        let readings = await burns.read(atSeconds: now)
        lastReadings.withLock { $0 = readings }
        var worst: (name: String, perMille: Int64)?
        var unreadable: String?
        for reading in readings {
            metrics.readable(reading.name, reading.burn != nil)
            guard let burn = reading.burn else {
                unreadable = reading.name
                logger.warning("budget burn unreadable; the automatic tier holds", metadata: ["budget": "\(reading.name)", "error": "\(reading.problem ?? "")"])
                continue
            }
            metrics.burn(reading.name, actualPerMille: burn.actualPerMille, projectedPerMille: burn.projectedPerMille)
            let effective = burn.effectivePerMille(projectionAfterSeconds: rule.projectionAfterSeconds)
            if worst == nil || effective > worst!.perMille { worst = (reading.name, effective) }
        }
        // One unreadable budget holds the tier: the ladder does not fall on missing data.
        let burn: Int64? = unreadable == nil ? worst?.perMille : nil
        let budget = unreadable ?? worst?.name ?? "-"
        let rule = self.rule
        let allowed = !escalationBlocked.load(ordering: .relaxed)
        let before = live.snapshot.state.automatic
        let next = before.next(burn: burn, budget: budget, rule: rule, escalationAllowed: allowed, atSeconds: now)
        guard next.tier != before.tier || next.lowSinceSeconds != before.lowSinceSeconds else { return }
        let detail = JSONValue.object(readings.map { reading in
            JSONMember(reading.name, reading.burn.map { .object([
                JSONMember("spent_usd", MicroDollars.json($0.spentMicros)), JSONMember("limit_usd", MicroDollars.json($0.limitMicros)),
                JSONMember("burn_per_mille", .number(String($0.actualPerMille))), JSONMember("projected_per_mille", .number(String($0.projectedPerMille))),
            ]) } ?? .string("unreadable: \(reading.problem ?? "")"))
        })
        _ = await change(event: "auto", actor: "safemut (money burn)", detail: detail) { state in
            // Re-decided on the stored state under its lock: another replica may have moved it.
            let decided = state.automatic.next(burn: burn, budget: budget, rule: rule, escalationAllowed: allowed, atSeconds: now)
            guard decided.tier != state.automatic.tier || decided.lowSinceSeconds != state.automatic.lowSinceSeconds else { return .success(nil) }
            var changed = state
            changed.automatic = decided
            return .success(changed)
        }
    }
}
