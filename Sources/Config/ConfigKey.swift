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
    /// For a per-tenant key (a `*` segment): parses `text` into the entry of tenant `name`.
    var assignNamed: ((inout SafemutConfig, String, String) -> Bool)? = nil
    /// The YAML value may be a list of scalars (given to `assign` comma-joined, like the
    /// environment variable would be).
    var acceptsList = false

    init<Value>(
        _ path: String, env: String? = nil,
        _ keyPath: WritableKeyPath<SafemutConfig, Value>, _ codec: ValueCodec<Value>
    ) {
        self.init(path, env: env, codec, store: { $0[keyPath: keyPath] = $1 }, current: { codec.render($0[keyPath: keyPath]) })
    }

    /// A key whose YAML value is a list of scalars (`rate.canary_tenants: [a, b]`) or,
    /// from the environment, a comma-separated list.
    init(_ path: String, env: String? = nil, list keyPath: WritableKeyPath<SafemutConfig, [String]>, _ codec: ValueCodec<[String]>) {
        self.init(path, env: env, keyPath, codec)
        acceptsList = true
    }

    /// An optional key: unset leaves `nil`.
    init<Value>(
        _ path: String, env: String? = nil,
        _ keyPath: WritableKeyPath<SafemutConfig, Value?>, _ codec: ValueCodec<Value>
    ) {
        self.init(path, env: env, codec, store: { $0[keyPath: keyPath] = $1 }, current: { $0[keyPath: keyPath].map(codec.render) })
    }

    /// What a key of the whole configuration is made of: `codec` parses the text, `store`
    /// puts the value in place, `current` shows the effective one.
    private init<Value>(
        _ path: String, env: String?, _ codec: ValueCodec<Value>,
        store: @escaping (inout SafemutConfig, Value) -> Void, current: @escaping (SafemutConfig) -> String?
    ) {
        self.path = path
        environment = env
        expected = codec.expected
        assign = { config, text in
            guard let value = codec.parse(text) else { return false }
            store(&config, value)
            return true
        }
        self.current = current
        redact = codec.redact
    }
}

extension ConfigKey {
    /// The same key, taking a YAML list of scalars (given comma-joined, like the environment).
    func listing() -> ConfigKey {
        var key = self
        key.acceptsList = true
        return key
    }

    /// A key with one `*` segment that stands for a tenant, e.g. `rate.tenants.*.tenant_burst`:
    /// each tenant's value lands in `map[tenant][keyPath: field]`. It is shown as one setting,
    /// `tenant=value` pairs in tenant order, so a reload sees any change to it.
    init<Entry, Value>(
        _ path: String,
        tenantMap map: WritableKeyPath<SafemutConfig, [String: Entry]>, empty: Entry,
        _ field: WritableKeyPath<Entry, Value?>, _ codec: ValueCodec<Value>
    ) {
        self.path = path
        environment = nil
        expected = codec.expected
        assign = { _, _ in false }
        assignNamed = { config, name, text in
            guard let value = codec.parse(text) else { return false }
            config[keyPath: map][name, default: empty][keyPath: field] = value
            return true
        }
        current = { config in
            config[keyPath: map].sorted { $0.key < $1.key }
                .compactMap { name, entry in entry[keyPath: field].map { "\(name)=\(codec.render($0))" } }
                .joined(separator: ",")
        }
        redact = codec.redact
        acceptsList = false
    }

    /// Whether `path` has a `*` segment (a per-tenant key).
    var isTenantPattern: Bool { assignNamed != nil }
}
