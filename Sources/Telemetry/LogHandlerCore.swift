import Logging

/// What the JSON and text handlers share: label, metadata, provider, the live level and the sink.
struct LogHandlerCore: Sendable {
    let label: String
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let control: LogLevelControl
    /// Set when code assigns `logger.logLevel`; that logger then stops following the control,
    /// as swift-log requires a level change to affect only that logger.
    var levelOverride: Logger.Level?
    let sink: LogSink
    let now: @Sendable () -> Int64

    var logLevel: Logger.Level {
        get { levelOverride ?? control.level }
        set { levelOverride = newValue }
    }

    /// Handler metadata, then the provider's, then the call's; later sources win on a clash,
    /// as in swift-log's `StreamLogHandler`.
    func mergedMetadata(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, new in new }
        }
        if let explicit, !explicit.isEmpty {
            merged.merge(explicit) { _, new in new }
        }
        return merged
    }
}
