import CoreMetrics
import Logging
import Prometheus

/// Log line format; raw values match Config's `LogFormat`, so
/// `LogOutputFormat(rawValue: config.log.format.rawValue)` converts.
public enum LogOutputFormat: String, Sendable, CaseIterable {
    case json, text
}

/// Process-wide set-up of logging and metrics. Only the executable calls these, once, at start;
/// libraries take a `Logger` and use the global `MetricsSystem` factory.
public enum Bootstrap {
    /// Installs JSON or text handlers whose level follows `control` (`LoggingSystem.bootstrap`).
    public static func logging(
        format: LogOutputFormat,
        level control: LogLevelControl,
        sink: LogSink = .standardOutput,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        LoggingSystem.bootstrap(
            { label, provider in makeHandler(format: format, label: label, level: control, sink: sink, metadataProvider: provider) },
            metadataProvider: metadataProvider
        )
    }

    /// The handler `logging(format:level:)` installs, for code that builds a `Logger` directly
    /// (`Logger(label:factory:)` in tests and tools) without touching global state.
    public static func makeHandler(
        format: LogOutputFormat,
        label: String,
        level control: LogLevelControl,
        sink: LogSink = .standardOutput,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> any LogHandler {
        switch format {
        case .json: JSONLogHandler(label: label, level: control, sink: sink, metadataProvider: metadataProvider)
        case .text: TextLogHandler(label: label, level: control, sink: sink, metadataProvider: metadataProvider)
        }
    }

    /// Sends swift-metrics counters, gauges and timers to `registry`, which `/metrics` renders
    /// (`MetricsSystem.bootstrap` with a `PrometheusMetricsFactory`).
    public static func metrics(registry: PrometheusCollectorRegistry) {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }
}
