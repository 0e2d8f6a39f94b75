/// One settable key: its YAML path, optional environment variable, and how to read and show it.
struct ConfigKey {
    /// Dotted YAML path, e.g. `server.max_body_bytes`.
    let path: String
    /// Environment variable that overrides the file, e.g. `PQ_PHASE`.
    let environment: String?
    /// Completes "expected …" in an error message.
    let expected: String
    /// Parses `text` into the config; false when the text is not a valid value.
    let assign: (inout SafemutConfig, String) -> Bool
    /// The effective value as text, `nil` when an optional key is unset.
    let current: (SafemutConfig) -> String?
    /// How a rejected raw value is quoted in an error.
    let redact: (String) -> String

    init<Value>(
        _ path: String, env: String? = nil,
        _ keyPath: WritableKeyPath<SafemutConfig, Value>, _ codec: ValueCodec<Value>
    ) {
        self.path = path
        environment = env
        expected = codec.expected
        assign = { config, text in
            guard let value = codec.parse(text) else { return false }
            config[keyPath: keyPath] = value
            return true
        }
        current = { codec.render($0[keyPath: keyPath]) }
        redact = codec.redact
    }

    /// An optional key: unset leaves `nil`.
    init<Value>(
        _ path: String, env: String? = nil,
        _ keyPath: WritableKeyPath<SafemutConfig, Value?>, _ codec: ValueCodec<Value>
    ) {
        self.path = path
        environment = env
        expected = codec.expected
        assign = { config, text in
            guard let value = codec.parse(text) else { return false }
            config[keyPath: keyPath] = value
            return true
        }
        current = { $0[keyPath: keyPath].map(codec.render) }
        redact = codec.redact
    }
}
