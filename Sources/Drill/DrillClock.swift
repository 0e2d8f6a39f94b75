import Foundation

/// The drill's own clock: when the loss happened and when the restore first admitted a
/// mutation (RTO is the difference), and the waits between steps. A protocol so the RTO and
/// the report's times are deterministic in unit tests.
public protocol DrillClock: Sendable {
    /// Microseconds since the Unix epoch.
    func nowMicros() -> Int64
    /// Waits `milliseconds` (the loss delay, retry pauses).
    func sleep(milliseconds: Int64) async throws
}

/// The real clock: the system's wall time and `Task.sleep`.
public struct SystemDrillClock: DrillClock {
    public init() {}

    public func nowMicros() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded())
    }

    public func sleep(milliseconds: Int64) async throws {
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
}
