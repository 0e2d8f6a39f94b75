import Drill
import Synchronization

/// A drill clock a test sets by hand: `sleep` advances it instead of waiting, so times in
/// the report are the test's, not the day's.
final class ManualDrillClock: DrillClock {
    private let micros: Mutex<Int64>

    init(micros: Int64) {
        self.micros = Mutex(micros)
    }

    func nowMicros() -> Int64 { micros.withLock { $0 } }

    func sleep(milliseconds: Int64) async throws {
        micros.withLock { $0 += milliseconds * 1_000 }
    }

    func advance(milliseconds: Int64) {
        micros.withLock { $0 += milliseconds * 1_000 }
    }
}
