import Foundation
import Logging
import Postgres
import Synchronization

/// What a drill run started and must stop, whatever step it ended at: the scratch gateway,
/// the scratch Postgres (both by PID), the pools, and the scratch directory.
final class DrillResources: Sendable {
    private struct Held {
        var scratch: ScratchDirectory?
        var postgres: ScratchPostgres?
        var gateway: ScratchGateway?
        var pools: [PostgresPool] = []
    }

    private let held = Mutex(Held())

    var scratch: ScratchDirectory? {
        get { held.withLock { $0.scratch } }
        set { held.withLock { $0.scratch = newValue } }
    }
    var postgres: ScratchPostgres? {
        get { held.withLock { $0.postgres } }
        set { held.withLock { $0.postgres = newValue } }
    }
    var gateway: ScratchGateway? {
        get { held.withLock { $0.gateway } }
        set { held.withLock { $0.gateway = newValue } }
    }
    var pools: [PostgresPool] {
        get { held.withLock { $0.pools } }
        set { held.withLock { $0.pools = newValue } }
    }

    /// Stops the gateway first (it holds connections to the restore), then the pools and the
    /// restore, then removes the scratch directory unless kept or the operator's own.
    func release(keepScratch: Bool, logger: Logger) async {
        let taken = held.withLock { held -> Held in
            defer { held = Held() }
            return held
        }
        _ = try? await offPool {
            taken.gateway?.stop()
            for pool in taken.pools { pool.close() }
            taken.postgres?.stop()
            if let scratch = taken.scratch {
                if keepScratch || !scratch.created {
                    logger.notice("drill scratch kept", metadata: ["drill.scratch": "\(scratch.path)"])
                } else {
                    try? FileManager.default.removeItem(atPath: scratch.path)
                }
            }
        }
    }
}
