import Kit
import Logging

/// Writes each event as one human-readable line for a terminal (`log.format: text`):
/// `2025-01-02T03:04:05.678Z info safemut: request done http.status=200 request.id=ab12`.
///
/// Metadata follows in sorted order as `key=value`; values with spaces, quotes, `=` or
/// control characters are JSON-quoted so a line never splits.
public struct TextLogHandler: LogHandler {
    private var core: LogHandlerCore

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

    func encode(_ event: LogEvent) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160)
        RFC3339.append(epochMilliseconds: core.now(), to: &bytes)
        bytes += Array(" \(event.level.rawValue) \(core.label): ".utf8)
        bytes += Self.singleLine(event.message.description)
        if let error = event.error {
            bytes += Array(" error=".utf8) + Self.quotedIfNeeded(String(describing: error))
        }
        let metadata = core.mergedMetadata(event.metadata)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            bytes += Array(" \(key)=".utf8) + Self.quotedIfNeeded(value.description)
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The message with control characters escaped, so one event stays one line.
    private static func singleLine(_ text: String) -> [UInt8] {
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) else { return Array(text.utf8) }
        var encoder = JSONLineEncoder(capacity: text.utf8.count + 8)
        encoder.appendString(text)
        // Drop the encoder's opening "{" and the string's quotes.
        return Array(encoder.bytes.dropFirst(2).dropLast())
    }

    private static func quotedIfNeeded(_ text: String) -> [UInt8] {
        let plain = !text.isEmpty && !text.utf8.contains { byte in
            byte <= 0x20 || byte == 0x7f || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=")
        }
        if plain { return Array(text.utf8) }
        var encoder = JSONLineEncoder(capacity: text.utf8.count + 8)
        encoder.appendString(text)
        return Array(encoder.bytes.dropFirst())
    }
}
