import Yams

/// A scalar set in the YAML file, with where it was written.
struct YAMLSetting {
    /// The key as written, e.g. `rate.tenants.acme.tenant_burst`.
    let path: String
    /// The known key it sets: `path`, or its pattern (`rate.tenants.*.tenant_burst`).
    let keyPath: String
    /// What the `*` of a per-tenant key stood for (`acme`).
    let tenant: String?
    let text: String
    let location: ConfigLocation?

    init(path: String, keyPath: String? = nil, tenant: String? = nil, text: String, location: ConfigLocation?) {
        self.path = path
        self.keyPath = keyPath ?? path
        self.tenant = tenant
        self.text = text
        self.location = location
    }
}

/// Reads a YAML document into flat `path: text` settings, checking its shape against the known keys.
enum YAMLSettings {
    /// What the walk checks each mapping key against.
    private struct Shape {
        /// Known key path → "expected …" text.
        let expected: [String: String]
        /// Every proper prefix of a known key path: mappings that may hold keys.
        let sections: Set<String>
        /// Keys whose value may be a YAML list.
        let lists: Set<String>
    }

    /// Composes `yaml` and flattens it; null and empty scalars are left out (they mean "not set").
    static func read(
        yaml: String, source: String, keys: [ConfigKey]
    ) throws(ConfigError) -> [YAMLSetting] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw yamlError(error, yaml: yaml, source: source)
        }
        guard let root, !isUnset(root) else { return [] }
        let expected = Dictionary(keys.map { ($0.path, $0.expected) }, uniquingKeysWith: { first, _ in first })
        var sections: Set<String> = []
        for key in keys {
            let parts = key.path.split(separator: ".")
            for end in parts.indices.dropLast() { sections.insert(parts[...end].joined(separator: ".")) }
        }
        let shape = Shape(expected: expected, sections: sections, lists: Set(keys.filter(\.acceptsList).map(\.path)))
        var settings: [YAMLSetting] = []
        try walk(root, prefix: "", pattern: "", tenant: nil, source: source, shape: shape, into: &settings)
        return settings
    }

    /// `prefix` is the path as written; `pattern` the same path with a tenant name as `*`.
    private static func walk(
        _ node: Node, prefix: String, pattern: String, tenant: String?, source: String,
        shape: Shape, into settings: inout [YAMLSetting]
    ) throws(ConfigError) {
        let sectionName = prefix.isEmpty ? "the top level" : prefix
        guard case .mapping(let mapping) = node else {
            throw .invalidValue(
                key: prefix.isEmpty ? "(root)" : prefix, expected: "a mapping of keys under \(sectionName)",
                got: describe(node), location: location(of: node, source: source)
            )
        }
        let tenantLevel = shape.sections.contains(join(pattern, "*"))
        for (keyNode, value) in mapping {
            let name = keyNode.scalar?.string ?? describe(keyNode)
            let path = join(prefix, name)
            if tenantLevel {
                guard isTenantName(name) else {
                    throw .invalidValue(
                        key: path, expected: "a tenant id (letters, digits, '.', '_', ':' or '-') under \(prefix)",
                        got: quoted(name), location: location(of: keyNode, source: source))
                }
            }
            let keyPattern = join(pattern, tenantLevel ? "*" : name)
            let keyTenant = tenantLevel ? name : tenant
            if let expectation = shape.expected[keyPattern] {
                let text: String
                switch value {
                case .scalar(let scalar):
                    text = scalar.string
                case .sequence(let items) where shape.lists.contains(keyPattern):
                    var texts: [String] = []
                    for item in items {
                        // Items are joined with commas for the key's parser, so one may not hold a comma.
                        guard case .scalar(let scalar) = item, !scalar.string.contains(",") else {
                            throw .invalidValue(key: path, expected: expectation, got: describe(item), location: location(of: item, source: source))
                        }
                        texts.append(scalar.string)
                    }
                    guard !texts.isEmpty else { continue }
                    text = texts.joined(separator: ",")
                default:
                    throw .invalidValue(key: path, expected: expectation, got: describe(value), location: location(of: value, source: source))
                }
                if !isUnset(value) {
                    settings.append(YAMLSetting(
                        path: path, keyPath: keyPattern, tenant: keyTenant, text: text, location: location(of: value, source: source)))
                }
            } else if shape.sections.contains(keyPattern) {
                if !isUnset(value) {
                    try walk(value, prefix: path, pattern: keyPattern, tenant: keyTenant, source: source, shape: shape, into: &settings)
                }
            } else {
                let known = Array(shape.expected.keys) + shape.sections
                throw .unknownKey(key: path, suggestion: closestKey(to: keyPattern, among: known), location: location(of: keyNode, source: source))
            }
        }
    }

    private static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    /// `~`, `null`, an empty value, or an empty quoted string: the key is present but not set.
    private static func isUnset(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.string.isEmpty || node.null != nil
    }

    /// How a value appears after "got" in an error: scalars quoted, containers by kind.
    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): quoted(scalar.string)
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private static func location(of node: Node, source: String) -> ConfigLocation? {
        node.mark.map { ConfigLocation(source: source, line: $0.line, column: $0.column) }
    }

    /// Turns a Yams error into `.invalidYAML` with the best position it offers.
    private static func yamlError(_ error: any Error, yaml: String, source: String) -> ConfigError {
        guard let error = error as? YamlError else {
            return .invalidYAML(source: source, line: 1, column: 1, message: "\(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let message = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return .invalidYAML(source: source, line: mark.line, column: mark.column, message: message)
        case .reader(let problem, let offset, _, _):
            let (line, column) = position(ofCharacterOffset: offset ?? 0, in: yaml)
            return .invalidYAML(source: source, line: line, column: column, message: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .invalidYAML(
                source: source, line: context.mark.line, column: context.mark.column,
                message: "duplicate key " + duplicates.map(quoted).joined(separator: ", ")
            )
        default:
            return .invalidYAML(source: source, line: 1, column: 1, message: "\(error)")
        }
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}

/// A value in double quotes with `"`, `\` and control characters escaped, so errors show it exactly.
func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        case _ where scalar.value < 0x20 || scalar.value == 0x7f:
            result += "\\u{\(String(scalar.value, radix: 16))}"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

/// The known key nearest to a misspelt one, for "did you mean": at most one edit per three
/// characters (and never more than three), so short unrelated keys get no suggestion.
func closestKey(to key: String, among known: [String]) -> String? {
    let allowed = min(3, max(1, key.utf8.count / 3))
    let scored = known.map { ($0, editDistance(Array(key.utf8), Array($0.utf8))) }
    guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }), best.1 <= allowed else { return nil }
    return best.0
}

/// Levenshtein distance between two byte strings.
func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
