/// Log output (`log.*`).
public struct LogConfig: Sendable, Equatable {
    /// `log.level` (default `info`); SIGHUP applies a changed level live.
    public var level: LogLevel = .info
    /// `log.format` (default `json`).
    public var format: LogFormat = .json

    public init() {}
}

/// A log level; raw values equal swift-log's `Logger.Level` raw values, so
/// `Logger.Level(rawValue: level.rawValue)` converts (Config does not import Logging).
public enum LogLevel: String, Sendable, Equatable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// One JSON object per line, or human-readable text for a terminal.
public enum LogFormat: String, Sendable, Equatable, CaseIterable {
    case json, text
}
