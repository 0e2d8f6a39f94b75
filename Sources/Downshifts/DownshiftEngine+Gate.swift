import Downshift
import Ports
import Synchronization

/// The step's view of the ladder: the tier in force (memory), and tier 5's "active before
/// the tier began", asked of the ledger once per tenant and tier.
public final class DownshiftGateway: DownshiftGate {
    let engine: DownshiftEngine
    public let retryAfterSeconds: Int
    /// Tenant → known, for the tier that began at `since`; cleared when the tier changes.
    private let known = Mutex<(since: Int64, tenants: [String: Bool])>((0, [:]))

    public init(engine: DownshiftEngine, retryAfterSeconds: Int) {
        self.engine = engine
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var tier: DownshiftTier { engine.live.tier }
    public var table: TierTable { engine.live.table }

    public func tenantKnownBeforeTier(_ tenant: String) async -> Bool? {
        let now = engine.live.now
        let since = engine.live.snapshot.state.tierSinceSeconds(atSeconds: now)
        if let cached = known.withLock({ $0.since == since ? $0.tenants[tenant] : nil }) { return cached }
        guard let store = engine.store else { return nil }
        guard let answer = try? await store.hadActivity(tenant: tenant, beforeSeconds: since) else { return nil }
        known.withLock { entry in
            if entry.since != since { entry = (since, [:]) }
            // Bounded: a flood of unknown tenants must not grow this without limit.
            if entry.tenants.count >= 100_000 { entry.tenants.removeAll(keepingCapacity: true) }
            entry.tenants[tenant] = answer
        }
        return answer
    }

    public func refused(tier: DownshiftTier, reason: String) {
        engine.metrics.refused(tier: tier, reason: reason)
    }
}
