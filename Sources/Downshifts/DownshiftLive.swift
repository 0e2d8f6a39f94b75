import Downshift
import Synchronization

/// The ladder state this replica serves by: installed from Postgres on start, on each
/// broadcast and by the poll; read on every request without I/O.
public final class DownshiftLive: Sendable {
    private let current = Mutex<DownshiftStore.Snapshot>(DownshiftStore.Snapshot(version: -1, state: DownshiftState()))
    /// The tier in force, for the request path without a lock or a clock read: set on each
    /// install and by the engine's once-a-second tick (a manual tier's TTL ends within 1 s).
    private let inForce = Atomic<Int>(0)
    public let table: TierTable
    public let clock: @Sendable () -> Int64

    public init(table: TierTable, clock: @escaping @Sendable () -> Int64) {
        self.table = table
        self.clock = clock
    }

    public var snapshot: DownshiftStore.Snapshot { current.withLock { $0 } }
    public var now: Int64 { clock() }

    /// The tier in force (as of the last install or tick).
    public var tier: DownshiftTier { DownshiftTier(rawValue: inForce.load(ordering: .relaxed)) ?? .normal }

    /// Recomputes the tier in force from the state and the clock.
    public func refreshTier() {
        let now = clock()
        let tier = current.withLock { $0.state.tier(atSeconds: now) }
        inForce.store(tier.rawValue, ordering: .relaxed)
    }

    /// Installs `snapshot` when it is newer; true when the tier in force changed.
    @discardableResult
    public func install(_ snapshot: DownshiftStore.Snapshot) -> Bool {
        let now = clock()
        let changed = current.withLock { installed in
            guard snapshot.version > installed.version else { return false }
            let before = installed.state.tier(atSeconds: now)
            installed = snapshot
            return snapshot.state.tier(atSeconds: now) != before
        }
        refreshTier()
        return changed
    }
}
