import Kit
import Logging

/// Writes each event as one JSON object on its own line.
///
/// Fields: `ts` (RFC 3339 UTC with milliseconds), `level`, `msg`, `label`, `error` when the
/// event carries one, then each metadata key as given (`request.id`, `http.status`) in sorted
/// order. Metadata strings stay strings; nested dictionaries and arrays become JSON objects
/// and arrays. A metadata key that clashes with a fixed field is written as `metadata.<key>`
/// so it cannot forge, say, the level.
public struct JSONLogHandler: LogHandler {
    static let reservedKeys: Set<String> = ["ts", "level", "msg", "label", "error"]

    private var core: LogHandlerCore

    /// A handler for `label` whose level follows `level` until `logLevel` is assigned.
    public init(
        label: String,
        level: LogLevelControl,
        sink: LogSink = .standardOutput,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.init(label: label, level: level, sink: sink, metadataProvider: metadataProvider, now: SystemCalls.epochMilliseconds)
    }

    init(
        label: String, level: LogLevelControl, sink: LogSink,
        metadataProvider: Logger.MetadataProvider?, now: @escaping @Sendable () -> Int64
    ) {
        core = LogHandlerCore(label: label, metadataProvider: metadataProvider, control: level, sink: sink, now: now)
    }

    public var label: String { core.label }

    public var logLevel: Logger.Level {
        get { core.logLevel }
        set { core.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { core.metadata }
        set { core.metadata = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { core.metadataProvider }
        set { core.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { core.metadata[key] }
        set { core.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        core.sink.writeLine(encode(event))
    }

    /// The event's line, newline included.
    func encode(_ event: LogEvent) -> [UInt8] {
        var line = JSONLineEncoder()
        let timestamp = core.now()
        line.field("ts") { RFC3339.append(epochMilliseconds: timestamp, to: &$0) }
        line.field("level", event.level.rawValue)
        line.field("msg", event.message.description)
        line.field("label", core.label)
        if let error = event.error {
            line.field("error", String(describing: error))
        }
        let metadata = core.mergedMetadata(event.metadata)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            line.field(Self.reservedKeys.contains(key) ? "metadata." + key : key, value)
        }
        return line.finish()
    }
}
