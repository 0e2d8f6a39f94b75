import Logging
import Synchronization

/// The process-wide log level, changeable at run time (SIGHUP reload) for every logger at once.
///
/// Handlers made by `Bootstrap.logging` read it on every `logLevel` query, so `set(_:)`
/// takes effect on the next log call in every thread. The read is one relaxed atomic load.
public final class LogLevelControl: Sendable {
    private let raw: Atomic<UInt8>

    public init(_ level: Logger.Level) {
        raw = Atomic(Self.encode(level))
    }

    /// The current level.
    public var level: Logger.Level {
        Self.decode(raw.load(ordering: .relaxed))
    }

    /// Changes the level for all handlers that consult this control.
    public func set(_ level: Logger.Level) {
        raw.store(Self.encode(level), ordering: .relaxed)
    }

    private static let levels = Logger.Level.allCases

    private static func encode(_ level: Logger.Level) -> UInt8 {
        UInt8(levels.firstIndex(of: level) ?? 0)
    }

    private static func decode(_ value: UInt8) -> Logger.Level {
        levels.indices.contains(Int(value)) ? levels[Int(value)] : .info
    }
}
