import Kit

/// One check's result as `safemut gate validate` prints it.
public struct CheckResult: Sendable, Equatable {
    public var name: String
    /// The query as sent (placeholders resolved), when the check has one.
    public var query: String?
    public var metric: String?
    public var threshold: Threshold
    public var windowSeconds: Int64
    public var outcome: CheckOutcome

    public init(name: String, query: String?, metric: String?, threshold: Threshold, windowSeconds: Int64, outcome: CheckOutcome) {
        self.name = name
        self.query = query
        self.metric = metric
        self.threshold = threshold
        self.windowSeconds = windowSeconds
        self.outcome = outcome
    }

    public var json: JSONValue {
        .object([
            JSONMember("name", .string(name)),
            JSONMember("verdict", .string(outcome.verdict.rawValue)),
            JSONMember("value", outcome.value.map { .string($0.description) } ?? .null),
            JSONMember("threshold", .string(threshold.description)),
            JSONMember("window_seconds", .number(String(windowSeconds))),
            JSONMember("query", query.map(JSONValue.string) ?? .null),
            JSONMember("metric", metric.map(JSONValue.string) ?? .null),
            JSONMember("samples", .number(String(outcome.samples))),
            JSONMember("failing_samples", .number(String(outcome.failing))),
            JSONMember("longest_failing_run", .number(String(outcome.longestFailingRun))),
            JSONMember("reason", .string(outcome.reason)),
        ])
    }
}

/// A file, query answer or command output a gate read, with its digest (the evidence
/// bundle copies or names it).
public struct GateInput: Sendable, Equatable {
    public var kind: String
    /// A path, URL or `sql:` name of what was read.
    public var reference: String
    public var sha256: String
    /// The bytes, when the bundle should keep them (a command's output, a query answer).
    public var content: [UInt8]?

    public init(kind: String, reference: String, sha256: String, content: [UInt8]? = nil) {
        self.kind = kind
        self.reference = reference
        self.sha256 = sha256
        self.content = content
    }

    public var json: JSONValue {
        .object([
            JSONMember("kind", .string(kind)),
            JSONMember("ref", .string(reference)),
            JSONMember("sha256", .string(sha256)),
        ])
    }
}

/// A recorded sign-off a gate counted.
public struct GateSignOff: Sendable, Equatable {
    public var gate: String
    public var release: String
    public var person: String
    public var role: String
    public var note: String
    public var signedAtMicros: Int64

    public init(gate: String, release: String, person: String, role: String, note: String, signedAtMicros: Int64) {
        self.gate = gate
        self.release = release
        self.person = person
        self.role = role
        self.note = note
        self.signedAtMicros = signedAtMicros
    }

    public var json: JSONValue {
        .object([
            JSONMember("person", .string(person)),
            JSONMember("role", .string(role)),
            JSONMember("note", .string(note)),
            JSONMember("signed_at", .string(RFC3339.format(micros: signedAtMicros))),
        ])
    }
}

/// One gate's result.
public struct GateResult: Sendable, Equatable {
    public var id: String
    public var name: String
    public var source: GateSource
    public var verdict: GateVerdict
    public var reason: String
    public var checks: [CheckResult]
    public var inputs: [GateInput]
    public var signOffs: [GateSignOff]

    public init(
        id: String, name: String, source: GateSource, verdict: GateVerdict, reason: String,
        checks: [CheckResult] = [], inputs: [GateInput] = [], signOffs: [GateSignOff] = []
    ) {
        self.id = id
        self.name = name
        self.source = source
        self.verdict = verdict
        self.reason = reason
        self.checks = checks
        self.inputs = inputs
        self.signOffs = signOffs
    }

    public var json: JSONValue {
        .object([
            JSONMember("id", .string(id)),
            JSONMember("name", .string(name)),
            JSONMember("source", .string(source.rawValue)),
            JSONMember("verdict", .string(verdict.rawValue)),
            JSONMember("reason", .string(reason)),
            JSONMember("checks", .array(checks.map(\.json))),
            JSONMember("inputs", .array(inputs.map(\.json))),
            JSONMember("sign_offs", .array(signOffs.map(\.json))),
        ])
    }
}

/// A whole `gate validate` run.
public struct GateRun: Sendable, Equatable {
    public var matrixFile: String
    public var matrixSHA256: String
    public var release: String?
    public var evaluatedAtMicros: Int64
    public var actor: String
    public var results: [GateResult]

    public init(matrixFile: String, matrixSHA256: String, release: String?, evaluatedAtMicros: Int64, actor: String, results: [GateResult]) {
        self.matrixFile = matrixFile
        self.matrixSHA256 = matrixSHA256
        self.release = release
        self.evaluatedAtMicros = evaluatedAtMicros
        self.actor = actor
        self.results = results
    }

    public var overall: GateVerdict { GateVerdict.worst(results.map(\.verdict)) }

    public var json: JSONValue {
        .object([
            JSONMember("kind", .string("safemut.gates/v1")),
            JSONMember("overall", .string(overall.rawValue)),
            JSONMember("evaluated_at", .string(RFC3339.format(micros: evaluatedAtMicros))),
            JSONMember("actor", .string(actor)),
            JSONMember("release", release.map(JSONValue.string) ?? .null),
            JSONMember("matrix", .object([
                JSONMember("file", .string(matrixFile)),
                JSONMember("sha256", .string(matrixSHA256)),
            ])),
            JSONMember("gates", .array(results.map(\.json))),
        ])
    }
}
