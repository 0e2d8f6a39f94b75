/// How one kind of config value is read from text (YAML scalar or environment variable),
/// described in errors, and shown back in `describedSettings()`.
struct ValueCodec<Value> {
    /// Completes "expected …" in an error message.
    let expected: String
    let parse: (String) -> Value?
    let render: (Value) -> String
    /// How a rejected raw value is quoted in an error (URLs hide their password).
    var redact: (String) -> String = { $0 }
}

extension ValueCodec where Value == Int {
    /// Decimal digits, `_` allowed between digits (`1_048_576`), within `range`.
    static func integer(_ range: ClosedRange<Int>) -> Self {
        let expected = switch (range.lowerBound, range.upperBound) {
        case (1, .max): "a positive integer"
        case (0, .max): "a non-negative integer"
        default: "an integer from \(range.lowerBound) to \(range.upperBound)"
        }
        return Self(
            expected: expected,
            parse: { text in parseInteger(text).flatMap { range.contains($0) ? $0 : nil } },
            render: { String($0) }
        )
    }

    static var positiveInteger: Self { integer(1...Int.max) }
}

extension ValueCodec where Value == Duration {
    /// Whole milliseconds from 1 up to a day.
    static var milliseconds: Self {
        let range = 1...86_400_000
        return Self(
            expected: "a duration in milliseconds from \(range.lowerBound) to \(range.upperBound)",
            parse: { text in parseInteger(text).flatMap { range.contains($0) ? .milliseconds($0) : nil } },
            render: { duration in
                let (seconds, attoseconds) = duration.components
                return String(seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
            }
        )
    }
}

extension ValueCodec where Value == Bool {
    /// `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, any case (`PQ_BYPASS=1` in the runbooks).
    static var boolean: Self {
        Self(
            expected: "a boolean (true, false, 1, 0)",
            parse: { text in
                switch text.lowercased() {
                case "true", "1", "yes", "on": true
                case "false", "0", "no", "off": false
                default: nil
                }
            },
            render: { String($0) }
        )
    }
}

extension ValueCodec where Value: RawRepresentable & CaseIterable, Value.RawValue == String {
    /// One of the enum's raw values, any case.
    static var oneOf: Self {
        let names = Value.allCases.map(\.rawValue)
        return Self(
            expected: "one of " + names.joined(separator: ", "),
            parse: { Value(rawValue: $0.lowercased()) },
            render: { $0.rawValue }
        )
    }
}

extension ValueCodec where Value == HostPort {
    static var hostPort: Self {
        Self(expected: "a host:port address such as 127.0.0.1:4000", parse: HostPort.init(parsing:), render: \.description)
    }
}

extension ValueCodec where Value == HTTPEndpoint {
    static var httpEndpoint: Self {
        Self(expected: "an http URL such as http://host:port[/path]", parse: HTTPEndpoint.init(parsing:), render: \.description)
    }
}

extension ValueCodec where Value == String {
    /// A URL with one of `schemes` and a non-empty remainder; its password is hidden when shown.
    static func url(schemes: [String], example: String) -> Self {
        Self(
            expected: "a URL such as \(example)",
            parse: { text in
                let lowered = text.lowercased()
                let matches = schemes.contains { scheme in
                    lowered.hasPrefix(scheme + "://") && lowered.count > scheme.count + 3
                }
                return matches && !text.contains(where: \.isWhitespace) ? text : nil
            },
            render: redactingPassword,
            redact: redactingPassword
        )
    }

    /// A deployment name: 1–64 letters, digits, `-`, `_` or `.`.
    static var name: Self {
        Self(
            expected: "a name of letters, digits, '-', '_' or '.'",
            parse: { text in
                let allowed = text.count <= 64 && text.unicodeScalars.allSatisfy { scalar in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
                }
                return allowed ? text : nil
            },
            render: { $0 }
        )
    }

    /// Free text (an issuer, an audience): 1–512 characters, no control characters.
    static var text: Self {
        Self(
            expected: "text of 1 to 512 characters without control characters",
            parse: { text in
                text.count <= 512 && !text.unicodeScalars.contains { $0.properties.generalCategory == .control } ? text : nil
            },
            render: { $0 }
        )
    }

    /// A file path: any text without control characters.
    static var path: Self {
        Self(
            expected: "a file path",
            parse: { text in text.unicodeScalars.contains { $0.properties.generalCategory == .control } ? nil : text },
            render: { $0 }
        )
    }
}

/// Digits with optional single `_` separators between them; `nil` otherwise or on overflow.
func parseInteger(_ text: String) -> Int? {
    guard !text.hasPrefix("_"), !text.hasSuffix("_"), !text.contains("__") else { return nil }
    return parseDecimal(text.filter { $0 != "_" })
}

/// `scheme://user:secret@host/…` → `scheme://user:***@host/…`; other text unchanged.
func redactingPassword(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let authorityStart = schemeEnd.upperBound
    let authorityEnd = url[authorityStart...].firstIndex(of: "/") ?? url.endIndex
    guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@"),
          let colon = url[authorityStart..<at].firstIndex(of: ":")
    else { return url }
    return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
}
