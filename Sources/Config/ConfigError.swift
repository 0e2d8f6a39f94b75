/// Why configuration could not be loaded; every case names the key, file or variable at fault.
///
/// `description` is the one-line message the executable prints before exiting, e.g.
/// `config error: server.max_body_bytes: expected a positive integer, got "lots" (safemut.yaml:12:19)`.
public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The config file could not be read (missing, unreadable, not UTF-8).
    case fileUnreadable(path: String, reason: String)
    /// The text is not YAML (or holds more than one document, or repeats a key).
    case invalidYAML(source: String, line: Int, column: Int, message: String)
    /// A key that safemut does not know, e.g. `server.max_body_byts`: typos fail loudly.
    /// `suggestion` is the nearest known key, if one is close.
    case unknownKey(key: String, suggestion: String?, location: ConfigLocation?)
    /// A known key (or `NAME (env)` for an environment override) with an unusable value.
    case invalidValue(key: String, expected: String, got: String, location: ConfigLocation?)

    public var description: String {
        switch self {
        case .fileUnreadable(let path, let reason):
            "config error: cannot read \(path): \(reason)"
        case .invalidYAML(let source, let line, let column, let message):
            "config error: \(source):\(line):\(column): invalid YAML: \(message)"
        case .unknownKey(let key, let suggestion, let location):
            "config error: \(key): unknown key"
                + (suggestion.map { " (did you mean \($0)?)" } ?? "") + Self.suffix(location)
        case .invalidValue(let key, let expected, let got, let location):
            "config error: \(key): expected \(expected), got \(got)" + Self.suffix(location)
        }
    }

    private static func suffix(_ location: ConfigLocation?) -> String {
        location.map { " (\($0))" } ?? ""
    }
}

/// Where in a YAML source a key or value sits (1-based line and column).
public struct ConfigLocation: Equatable, Sendable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var column: Int

    public init(source: String, line: Int, column: Int) {
        self.source = source
        self.line = line
        self.column = column
    }

    public var description: String { "\(source):\(line):\(column)" }
}
