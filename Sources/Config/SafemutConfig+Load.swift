import Foundation

extension SafemutConfig {
    /// Reads `path` (when given) and builds the config: defaults, then the file, then environment overrides.
    ///
    /// `path == nil` means no file: defaults plus the environment. The caller picks the path
    /// (the CLI's `--config`), passes `ProcessInfo.processInfo.environment` and the CPU count.
    public static func load(
        path: String?, environment: [String: String], cpuCount: Int
    ) throws(ConfigError) -> SafemutConfig {
        guard let path else {
            return try parse(yaml: "", environment: environment, cpuCount: cpuCount, source: "(no file)")
        }
        let text = try readText(path: path)
        return try parse(yaml: text, environment: environment, cpuCount: cpuCount, source: path)
    }

    /// Builds the config from YAML text; `source` names it in error messages.
    ///
    /// Null or empty values (`key:`, `key: ~`, `key: ""`) and empty environment variables
    /// count as not set. Values apply in file order, then environment variables in key order,
    /// so the first bad value in the file is the one reported.
    public static func parse(
        yaml: String, environment: [String: String], cpuCount: Int, source: String
    ) throws(ConfigError) -> SafemutConfig {
        let keys = Self.keys
        let byPath = Dictionary(keys.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var config = SafemutConfig(cpuCount: cpuCount)
        var locations: [String: ConfigLocation] = [:]

        for setting in try YAMLSettings.read(yaml: yaml, source: source, keys: keys) {
            guard let key = byPath[setting.keyPath] else { continue }  // read() only returns known paths
            let assigned = if let tenant = setting.tenant, let assignNamed = key.assignNamed {
                assignNamed(&config, tenant, setting.text)
            } else {
                key.assign(&config, setting.text)
            }
            guard assigned else {
                throw .invalidValue(key: setting.path, expected: key.expected, got: quoted(key.redact(setting.text)), location: setting.location)
            }
            locations[setting.path] = setting.location
        }
        for key in keys {
            guard let name = key.environment, let text = environment[name], !text.isEmpty else { continue }
            guard key.assign(&config, text) else {
                throw .invalidValue(key: "\(name) (env)", expected: key.expected, got: quoted(key.redact(text)), location: nil)
            }
            locations[key.path] = nil
        }
        try config.checkConsistency(locations: locations)
        return config
    }

    /// Every key with its effective value (unset optional keys left out), URL passwords hidden:
    /// for the start-up log line and `safemut config` style output.
    public func describedSettings() -> [ConfigSetting] {
        Self.keys.compactMap { key in
            key.current(self).map { ConfigSetting(key: key.path, value: $0) }
        }
    }

    /// The file's contents as UTF-8, with a plain reason when that is not possible.
    private static func readText(path: String) throws(ConfigError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileUnreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .fileUnreadable(path: path, reason: "is a directory") }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .fileUnreadable(path: path, reason: "permission denied or I/O error (\((error as NSError).code))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .fileUnreadable(path: path, reason: "not valid UTF-8")
        }
        return text
    }

    /// Rules that span two keys.
    private func checkConsistency(locations: [String: ConfigLocation]) throws(ConfigError) {
        let stages = cutover.stages
        if zip(stages, stages.dropFirst()).contains(where: { $0 >= $1 }) || stages.last != 100 {
            throw .invalidValue(
                key: "canary.stages", expected: "increasing percents ending at 100 (such as [5, 25, 50, 100])",
                got: quoted(stages.map(String.init).joined(separator: ",")), location: locations["canary.stages"])
        }
        if upstream.poolSize > upstream.maxConnections {
            throw .invalidValue(
                key: "upstream.pool_size",
                expected: "at most upstream.max_connections (\(upstream.maxConnections))",
                got: quoted(String(upstream.poolSize)), location: locations["upstream.pool_size"]
            )
        }
        if server.maxInflatedBodyBytes < server.maxBodyBytes {
            // A body allowed when sent plain must stay allowed when sent gzip-compressed.
            throw .invalidValue(
                key: "server.max_inflated_body_bytes",
                expected: "at least server.max_body_bytes (\(server.maxBodyBytes))",
                got: quoted(String(server.maxInflatedBodyBytes)), location: locations["server.max_inflated_body_bytes"]
            )
        }
    }
}

/// One key and its effective value as text.
public struct ConfigSetting: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
