import Downshift
import Synchronization

/// The ladder state this replica serves by: installed from Postgres on start, on each
/// broadcast and by the poll; read on every request without I/O.
public final class DownshiftLive: Sendable {
    private let current = Mutex<DownshiftStore.Snapshot>(DownshiftStore.Snapshot(version: -1, state: DownshiftState()))
    public let table: TierTable
    public let clock: @Sendable () -> Int64

    public init(table: TierTable, clock: @escaping @Sendable () -> Int64) {
        self.table = table
        self.clock = clock
    }

    public var snapshot: DownshiftStore.Snapshot { current.withLock { $0 } }
    public var now: Int64 { clock() }

    /// The tier in force now.
    public var tier: DownshiftTier { snapshot.state.tier(atSeconds: clock()) }

    /// Installs `snapshot` when it is newer; true when the tier in force changed.
    @discardableResult
    public func install(_ snapshot: DownshiftStore.Snapshot) -> Bool {
        let now = clock()
        return current.withLock { installed in
            guard snapshot.version > installed.version else { return false }
            let before = installed.state.tier(atSeconds: now)
            installed = snapshot
            return snapshot.state.tier(atSeconds: now) != before
        }
    }
}
