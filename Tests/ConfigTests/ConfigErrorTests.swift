import Config
import Foundation
import Testing

/// The error `parse` throws for `yaml` (and `environment`), or a recorded issue if it succeeds.
func configError(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
    do {
        _ = try parse(yaml, environment: environment)
        Issue.record("expected a config error for \(yaml) \(environment)")
        return nil
    } catch {
        return error
    }
}

@Suite("Config errors name the key")
struct ConfigErrorTests {
    @Test("a non-integer size names the key and the value (the documented message)")
    func notAnInteger() {
        let error = configError("server:\n  max_body_bytes: lots\n")
        #expect(error == .invalidValue(
            key: "server.max_body_bytes", expected: "a positive integer", got: "\"lots\"",
            location: ConfigLocation(source: "test.yaml", line: 2, column: 19)
        ))
        #expect(error?.description == "config error: server.max_body_bytes: expected a positive integer, got \"lots\" (test.yaml:2:19)")
    }

    @Test("a bad PQ_PHASE names the variable (the documented message)")
    func badPhaseFromEnvironment() {
        let error = configError("", environment: ["PQ_PHASE": "strict"])
        #expect(error?.description == "config error: PQ_PHASE (env): expected one of off, log, enforce, got \"strict\"")
    }

    @Test("out-of-range and malformed values", arguments: [
        ("server:\n  max_body_bytes: 0\n", "server.max_body_bytes", "a positive integer", "\"0\""),
        ("server:\n  max_body_bytes: -5\n", "server.max_body_bytes", "a positive integer", "\"-5\""),
        ("server:\n  max_body_bytes: 1.5\n", "server.max_body_bytes", "a positive integer", "\"1.5\""),
        ("server:\n  max_header_count: 99999999999999999999999\n", "server.max_header_count", "a positive integer", "\"99999999999999999999999\""),
        ("server:\n  event_loops: 5000\n", "server.event_loops", "an integer from 1 to 1024", "\"5000\""),
        ("upstream:\n  pool_size: -1\n", "upstream.pool_size", "an integer from 0 to 100000", "\"-1\""),
        ("server:\n  header_timeout_ms: 10s\n", "server.header_timeout_ms", "a duration in milliseconds from 1 to 86400000", "\"10s\""),
        ("canary:\n  clean_days: 4000\n", "canary.clean_days", "an integer from 0 to 3650", "\"4000\""),
        ("log:\n  level: verbose\n", "log.level", "one of trace, debug, info, notice, warning, error, critical", "\"verbose\""),
        ("log:\n  format: xml\n", "log.format", "one of json, text", "\"xml\""),
        ("pq:\n  bypass: maybe\n", "pq.bypass", "a boolean (true, false, 1, 0)", "\"maybe\""),
        ("listen: 4000\n", "listen", "a host:port address such as 127.0.0.1:4000", "\"4000\""),
        ("listen: 127.0.0.1:70000\n", "listen", "a host:port address such as 127.0.0.1:4000", "\"127.0.0.1:70000\""),
        ("listen: ::1:4000\n", "listen", "a host:port address such as 127.0.0.1:4000", "\"::1:4000\""),
        ("upstream:\n  url: https://api:443\n", "upstream.url", "an http URL such as http://host:port[/path]", "\"https://api:443\""),
        ("upstream:\n  url: http://api:0\n", "upstream.url", "an http URL such as http://host:port[/path]", "\"http://api:0\""),
        ("upstream:\n  url: http://api/graphql?x=1\n", "upstream.url", "an http URL such as http://host:port[/path]", "\"http://api/graphql?x=1\""),
        ("redis:\n  url: 127.0.0.1:6379\n", "redis.url", "a URL such as redis://127.0.0.1:6379/0", "\"127.0.0.1:6379\""),
        ("promql:\n  url: ftp://x\n", "promql.url", "a URL such as http://127.0.0.1:9090", "\"ftp://x\""),
        ("environment: \"prod uction\"\n", "environment", "a name of letters, digits, '-', '_' or '.'", "\"prod uction\""),
    ])
    func invalidValues(yaml: String, key: String, expected: String, got: String) {
        guard case .invalidValue(let errorKey, let errorExpected, let errorGot, let location) = configError(yaml) else {
            Issue.record("expected invalidValue for \(yaml)")
            return
        }
        #expect(errorKey == key)
        #expect(errorExpected == expected)
        #expect(errorGot == got)
        #expect(location?.line != nil)
    }

    @Test("a bad database URL is reported with its password hidden")
    func passwordHiddenInErrors() {
        let error = configError("", environment: ["DATABASE_URL": "mysql://root:hunter2@db/x"])
        #expect(error == .invalidValue(
            key: "DATABASE_URL (env)", expected: "a URL such as postgres://user:password@127.0.0.1:5432/safemut",
            got: "\"mysql://root:***@db/x\"", location: nil
        ))
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test("each environment variable's bad value names the variable", arguments: [
        ("UPSTREAM_URL", "localhost:4001"), ("ENVIRONMENT", "a/b"), ("PQ_PHASE", "strict"), ("PQ_BYPASS", "2"),
        ("PQ_INTROSPECTION", "sometimes"), ("DATABASE_URL", "db"), ("REDIS_URL", "http://x"),
        ("PROMQL_URL", "prom:9090"), ("CANARY_CLEAN_DAYS", "seven"), ("CANARY_ESCALATION_DRY_RUN", "dry"),
    ])
    func badEnvironmentValue(name: String, value: String) {
        guard case .invalidValue(let key, _, let got, let location) = configError("", environment: [name: value]) else {
            Issue.record("expected invalidValue for \(name)=\(value)")
            return
        }
        #expect(key == "\(name) (env)")
        #expect(got == "\"\(value)\"")
        #expect(location == nil)
    }

    @Test("an unknown key in a section is named by its path, with a suggestion and position")
    func unknownKeyInSection() {
        let error = configError("server:\n  max_connections: 10\n  max_body_byts: 10\n")
        #expect(error == .unknownKey(
            key: "server.max_body_byts", suggestion: "server.max_body_bytes",
            location: ConfigLocation(source: "test.yaml", line: 3, column: 3)
        ))
        #expect(error?.description == "config error: server.max_body_byts: unknown key (did you mean server.max_body_bytes?) (test.yaml:3:3)")
    }

    @Test("unknown top-level keys and sections", arguments: [
        ("lisen: 127.0.0.1:4000\n", "lisen", "listen"),
        ("severs:\n  event_loops: 2\n", "severs", "server"),
        ("tls:\n  cert: x\n", "tls", nil),
        ("log:\n  colour: true\n", "log.colour", nil),
    ] as [(String, String, String?)])
    func unknownKeys(yaml: String, key: String, suggestion: String?) {
        guard case .unknownKey(let errorKey, let errorSuggestion, let location) = configError(yaml) else {
            Issue.record("expected unknownKey for \(yaml)")
            return
        }
        #expect(errorKey == key)
        #expect(errorSuggestion == suggestion)
        #expect(location != nil)
    }

    @Test("a section given a scalar, and a key given a mapping or list, are wrong types")
    func wrongShapes() {
        #expect(configError("server: fast\n") == .invalidValue(
            key: "server", expected: "a mapping of keys under server", got: "\"fast\"",
            location: ConfigLocation(source: "test.yaml", line: 1, column: 9)
        ))
        guard case .invalidValue(let key, _, let got, _) = configError("server:\n  max_body_bytes:\n    value: 10\n") else {
            Issue.record("expected invalidValue")
            return
        }
        #expect(key == "server.max_body_bytes")
        #expect(got == "a mapping")
        guard case .invalidValue(let listKey, _, let listGot, _) = configError("listen: [127.0.0.1, 4000]\n") else {
            Issue.record("expected invalidValue")
            return
        }
        #expect(listKey == "listen")
        #expect(listGot == "a list")
        guard case .invalidValue(let rootKey, _, _, _) = configError("- a\n- b\n") else {
            Issue.record("expected invalidValue for a list document")
            return
        }
        #expect(rootKey == "(root)")
    }

    @Test("the pool cannot keep more idle connections than it may open")
    func poolLargerThanMaximum() {
        let error = configError("upstream:\n  pool_size: 300\n")
        #expect(error == .invalidValue(
            key: "upstream.pool_size", expected: "at most upstream.max_connections (256)", got: "\"300\"",
            location: ConfigLocation(source: "test.yaml", line: 2, column: 14)
        ))
    }

    @Test("the inflated-body cap cannot be below the raw-body cap")
    func inflatedCapBelowBodyCap() {
        guard case .invalidValue(let key, _, _, _) = configError("server:\n  max_inflated_body_bytes: 1000\n") else {
            Issue.record("expected invalidValue")
            return
        }
        #expect(key == "server.max_inflated_body_bytes")
    }

    @Test("a YAML syntax error reports its line")
    func syntaxErrorLine() {
        let yaml = "listen: 127.0.0.1:4000\nserver:\n  max_body_bytes: [1, 2\n  event_loops: 2\n"
        guard case .invalidYAML(let source, let line, _, let message) = configError(yaml) else {
            Issue.record("expected invalidYAML")
            return
        }
        #expect(source == "test.yaml")
        #expect(line >= 3)
        #expect(!message.isEmpty)
    }

    @Test("a tab-indented file is a YAML error at the tab's line")
    func tabIndentation() {
        guard case .invalidYAML(_, let line, _, _) = configError("server:\n\tevent_loops: 2\n") else {
            Issue.record("expected invalidYAML")
            return
        }
        #expect(line == 2)
    }

    @Test("a repeated key is a YAML error naming it")
    func duplicateKey() {
        guard case .invalidYAML(_, let line, _, let message) = configError("server:\n  event_loops: 2\n  event_loops: 3\n") else {
            Issue.record("expected invalidYAML")
            return
        }
        #expect(message.contains("event_loops"))
        #expect(line >= 2)
    }

    @Test("two documents in one file are an error")
    func twoDocuments() {
        guard case .invalidYAML = configError("listen: 127.0.0.1:1\n---\nlisten: 127.0.0.1:2\n") else {
            Issue.record("expected invalidYAML")
            return
        }
    }

    @Test("an unreadable file names the path and why", arguments: [
        ("/nonexistent/safemut.yaml", "no such file"),
        (repositoryRoot.appendingPathComponent("examples").path, "is a directory"),
    ])
    func unreadableFile(path: String, reason: String) {
        #expect(unreadableReason(path) == reason)
    }

    @Test("a file that is not UTF-8 is unreadable, not garbled")
    func notUTF8() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("safemut-\(UUID().uuidString).yaml")
        try Data([0x6c, 0x69, 0x73, 0x74, 0x65, 0x6e, 0x3a, 0x20, 0xff, 0xfe, 0x0a]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(unreadableReason(url.path) == "not valid UTF-8")
    }

    private func unreadableReason(_ path: String) -> String? {
        do {
            _ = try SafemutConfig.load(path: path, environment: [:], cpuCount: 1)
            Issue.record("loaded \(path)")
            return nil
        } catch {
            guard case .fileUnreadable(let errorPath, let reason) = error else {
                Issue.record("expected fileUnreadable, got \(error)")
                return nil
            }
            #expect(errorPath == path)
            #expect(error.description == "config error: cannot read \(path): \(reason)")
            return reason
        }
    }

    @Test("values with control characters are quoted with escapes")
    func quotedControlCharacters() {
        let error = configError("", environment: ["PQ_PHASE": "log\"\n\u{1}"])
        #expect(error?.description.hasSuffix("got \"log\\\"\\n\\u{1}\"") == true)
    }
}
