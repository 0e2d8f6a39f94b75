/// What a SIGHUP does with a freshly read file: the keys that change live are taken from
/// it; every other difference is reported and waits for a restart.
public struct ConfigReload: Sendable, Equatable {
    /// The configuration in force after the reload: the running one with the live keys of
    /// the new file. Not the new file itself: the next reload must compare against what
    /// is really running, or a key that still needs a restart would stop being reported.
    public let running: SafemutConfig
    /// Keys whose value differs between the running configuration and the file, sorted;
    /// a key set before and now unset (or the reverse) counts.
    public let changed: [String]
    /// The changed keys this process cannot apply without a restart.
    public let needsRestart: [String]

    /// `log.level` and every `rate.*` key apply live (the log handler and the rate limiter
    /// read them on each use).
    public static func isLive(_ key: String) -> Bool {
        key == "log.level" || key.hasPrefix("rate.")
    }

    public init(running current: SafemutConfig, file fresh: SafemutConfig) {
        let before = Dictionary(current.describedSettings().map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(fresh.describedSettings().map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
        needsRestart = changed.filter { !Self.isLive($0) }
        var running = current
        running.log.level = fresh.log.level
        running.rate = fresh.rate
        self.running = running
    }
}
