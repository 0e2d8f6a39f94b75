import Foundation
import Synchronization

/// A wall clock a test sets and advances by hand, shared across tasks; inject its `now`
/// wherever production code reads the time, so no test depends on the day it runs.
public final class ManualWallClock: Sendable {
    private let instant: Mutex<Date>

    public init(_ start: Date) {
        instant = Mutex(start)
    }

    /// The clock's current reading.
    public var now: Date { instant.withLock { $0 } }

    /// Moves the clock to `date` (forward or back: the test decides).
    public func set(_ date: Date) {
        instant.withLock { $0 = date }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(_ seconds: TimeInterval) {
        instant.withLock { $0 += seconds }
    }
}
