import Config
import Crypto
import Yams

extension GateMatrix {
    /// Reads the matrix: every key known, every gate's source settings present and of the
    /// right kind, thresholds and PromQL well formed, ids unique. `file` names the source
    /// in errors (`ops/go-no-go-matrix.yaml:12:5: …`).
    public static func parse(_ bytes: [UInt8], file: String) throws(MatrixError) -> GateMatrix {
        let text = String(decoding: bytes, as: UTF8.self)
        let reader = MatrixReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw reader.yamlError(error)
        }
        guard let root, case .mapping(let top) = root else {
            throw MatrixError(file: file, line: 1, column: 1, message: "the matrix must be a mapping with `version` and `gates`")
        }
        try reader.onlyKeys(top, ["version", "defaults", "gates"], in: "the matrix")
        guard let versionNode = top["version"] else { throw reader.error(root, "missing `version` (1)") }
        let version = try reader.integer(versionNode, "version", 1...1)
        var defaults = Gate(id: "", name: "", source: .command, line: 0)
        if let node = top["defaults"] {
            let mapping = try reader.mapping(node, "defaults")
            try reader.onlyKeys(mapping, ["window", "step", "fail_after", "min_samples", "on_no_data"], in: "defaults")
            try reader.applyTiming(mapping, to: &defaults)
        }
        guard let gatesNode = top["gates"] else { throw reader.error(root, "missing `gates`") }
        guard case .sequence(let list) = gatesNode, !list.isEmpty else {
            throw reader.error(gatesNode, "`gates` must be a non-empty list")
        }
        var gates: [Gate] = []
        var seen: [String: Int] = [:]
        for node in list {
            let gate = try reader.gate(node, defaults: defaults)
            if let first = seen[gate.id] {
                throw reader.error(node, "duplicate gate id \(gate.id) (first at line \(first))")
            }
            seen[gate.id] = gate.line
            gates.append(gate)
        }
        return GateMatrix(version: version, gates: gates, sha256: SHA256Digest.hex(bytes))
    }
}

/// The parser's helpers: each refusal carries the node's position.
private struct MatrixReader {
    let file: String

    func error(_ node: Node, _ message: String) -> MatrixError {
        MatrixError(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message)
    }

    func yamlError(_ error: any Error) -> MatrixError {
        if let error = error as? YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                return MatrixError(file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                return MatrixError(
                    file: file, line: context.mark.line, column: context.mark.column,
                    message: "duplicate key \(duplicates.joined(separator: ", "))")
            default: break
            }
        }
        return MatrixError(file: file, line: 1, column: 1, message: "not valid YAML: \(error)")
    }

    func mapping(_ node: Node, _ what: String) throws(MatrixError) -> Node.Mapping {
        guard case .mapping(let mapping) = node else { throw error(node, "`\(what)` must be a mapping") }
        return mapping
    }

    func onlyKeys(_ mapping: Node.Mapping, _ known: [String], in what: String) throws(MatrixError) {
        for (key, _) in mapping {
            guard let name = key.scalar?.string, known.contains(name) else {
                throw error(key, "unknown key `\(key.scalar?.string ?? "?")` in \(what) (known: \(known.joined(separator: ", ")))")
            }
        }
    }

    func string(_ node: Node, _ what: String) throws(MatrixError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw error(node, "`\(what)` must be a non-empty string") }
        return scalar.string
    }

    func integer(_ node: Node, _ what: String, _ range: ClosedRange<Int>) throws(MatrixError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), range.contains(value) else {
            throw error(node, "`\(what)` must be an integer in \(range.lowerBound)…\(range.upperBound), not \(describe(node))")
        }
        return value
    }

    func seconds(_ node: Node, _ what: String) throws(MatrixError) -> Int64 {
        let text = try string(node, what)
        guard let duration = Duration(operatorText: text), duration > .zero else {
            throw error(node, "`\(what)` must be a duration such as 30s, 10m or 1h (up to a week), not \(describe(node))")
        }
        let (seconds, attoseconds) = duration.components
        guard attoseconds == 0 else { throw error(node, "`\(what)` must be whole seconds, not \(text)") }
        return seconds
    }

    func strings(_ node: Node, _ what: String) throws(MatrixError) -> [String] {
        guard case .sequence(let list) = node, !list.isEmpty else { throw error(node, "`\(what)` must be a non-empty list") }
        var out: [String] = []
        for item in list { out.append(try string(item, what)) }
        return out
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    func applyTiming(_ mapping: Node.Mapping, to gate: inout Gate) throws(MatrixError) {
        if let node = mapping["window"] { gate.windowSeconds = try seconds(node, "window") }
        if let node = mapping["step"] { gate.stepSeconds = try seconds(node, "step") }
        if let node = mapping["fail_after"] { gate.failAfter = try integer(node, "fail_after", 1...1_000) }
        if let node = mapping["min_samples"] { gate.minSamples = try integer(node, "min_samples", 1...1_000_000) }
        if let node = mapping["on_no_data"] {
            let text = try string(node, "on_no_data")
            guard let rule = NoDataRule(rawValue: text) else {
                throw error(node, "`on_no_data` must be inconclusive or fail (no data never passes), not '\(text)'")
            }
            gate.onNoData = rule
        }
    }

    static let gateKeys = [
        "id", "name", "source", "window", "step", "fail_after", "min_samples", "on_no_data", "checks",
        "sign_off_roles", "file", "public_key", "policy_dir", "command", "timeout", "max_age", "budget",
    ]

    func gate(_ node: Node, defaults: Gate) throws(MatrixError) -> Gate {
        let mapping = try mapping(node, "gates[]")
        try onlyKeys(mapping, Self.gateKeys, in: "a gate")
        guard let idNode = mapping["id"] else { throw error(node, "a gate needs an `id`") }
        let id = try string(idNode, "id")
        guard id.utf8.count <= 32, id.utf8.allSatisfy({ $0.isGateIDByte }) else {
            throw error(idNode, "gate id '\(id)' must be 1–32 letters, digits, '_', '.' or '-'")
        }
        guard let sourceNode = mapping["source"] else { throw error(node, "gate \(id) needs a `source`") }
        let sourceText = try string(sourceNode, "source")
        guard let source = GateSource(rawValue: sourceText) else {
            throw error(sourceNode, "gate \(id): unknown source '\(sourceText)' (known: \(GateSource.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var gate = defaults
        gate.id = id
        gate.source = source
        gate.line = node.mark?.line ?? 1
        gate.name = try mapping["name"].map { (n) throws(MatrixError) in try string(n, "name") } ?? id
        try applyTiming(mapping, to: &gate)
        if let n = mapping["file"] { gate.file = try string(n, "file") }
        if let n = mapping["public_key"] { gate.publicKey = try string(n, "public_key") }
        if let n = mapping["policy_dir"] { gate.policyDirectory = try string(n, "policy_dir") }
        if let n = mapping["command"] { gate.command = try strings(n, "command") }
        if let n = mapping["timeout"] { gate.timeoutSeconds = try seconds(n, "timeout") }
        if let n = mapping["max_age"] { gate.maxAgeSeconds = try seconds(n, "max_age") }
        if let n = mapping["budget"] { gate.budget = try string(n, "budget") }
        if let n = mapping["sign_off_roles"] { gate.signOffRoles = try strings(n, "sign_off_roles") }
        if let n = mapping["checks"] {
            guard case .sequence(let list) = n, !list.isEmpty else { throw error(n, "gate \(id): `checks` must be a non-empty list") }
            var names: Set<String> = []
            for item in list {
                let check = try check(item, gate: gate)
                guard names.insert(check.name).inserted else { throw error(item, "gate \(id): duplicate check name \(check.name)") }
                gate.checks.append(check)
            }
        }
        try requireSettings(of: gate, node: node, mapping: mapping)
        return gate
    }

    func check(_ node: Node, gate: Gate) throws(MatrixError) -> GateCheck {
        let mapping = try mapping(node, "checks[]")
        try onlyKeys(mapping, ["name", "query", "metric", "threshold"], in: "a check of gate \(gate.id)")
        guard let nameNode = mapping["name"] else { throw error(node, "gate \(gate.id): a check needs a `name`") }
        let name = try string(nameNode, "name")
        guard let thresholdNode = mapping["threshold"] else { throw error(node, "gate \(gate.id), check \(name): needs a `threshold`") }
        let thresholdText = try string(thresholdNode, "threshold")
        guard let threshold = Threshold(text: thresholdText) else {
            throw error(thresholdNode, "gate \(gate.id), check \(name): bad threshold '\(thresholdText)' (write OP NUMBER with OP one of <=, <, >=, >, ==, e.g. \"<= 0.35\")")
        }
        var check = GateCheck(name: name, threshold: threshold)
        if let n = mapping["query"] {
            let query = try string(n, "query")
            if let problem = PromQLSyntax.problem(in: query) {
                throw error(n, "gate \(gate.id), check \(name): unparsable query: \(problem)")
            }
            check.query = query
        }
        if let n = mapping["metric"] {
            let text = try string(n, "metric")
            guard let metric = GateMetric(rawValue: text), metric.sources.contains(gate.source) else {
                let known = GateMetric.allCases.filter { $0.sources.contains(gate.source) }.map(\.rawValue)
                throw error(n, "gate \(gate.id), check \(name): metric '\(text)' is not one of source \(gate.source.rawValue)'s (\(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            }
            check.metric = metric
        }
        switch gate.source {
        case .prometheus, .policy:
            guard check.query != nil else { throw error(node, "gate \(gate.id), check \(name): a \(gate.source.rawValue) check needs a `query`") }
            guard check.metric == nil else { throw error(node, "gate \(gate.id), check \(name): a \(gate.source.rawValue) check takes a `query`, not a `metric`") }
        case .loadtest, .drill:
            guard check.metric != nil else { throw error(node, "gate \(gate.id), check \(name): a \(gate.source.rawValue) check needs a `metric`") }
        case .ledger:
            guard let metric = check.metric else { throw error(node, "gate \(gate.id), check \(name): a ledger check needs a `metric`") }
            if metric == .unitCostPerMillionCalls && check.query == nil {
                throw error(node, "gate \(gate.id), check \(name): the unit cost needs a `query` counting this month's GraphQL calls")
            }
        case .approvals, .command:
            throw error(node, "gate \(gate.id): a \(gate.source.rawValue) gate has no `checks`")
        }
        return check
    }

    func requireSettings(of gate: Gate, node: Node, mapping: Node.Mapping) throws(MatrixError) {
        func need(_ present: Bool, _ what: String) throws(MatrixError) {
            if !present { throw error(node, "gate \(gate.id) (source \(gate.source.rawValue)) needs \(what)") }
        }
        switch gate.source {
        case .prometheus, .loadtest, .drill, .ledger:
            try need(!gate.checks.isEmpty, "`checks`")
        default: break
        }
        switch gate.source {
        case .policy:
            try need(gate.file != nil, "`file` (the signed policy bundle)")
            try need(gate.publicKey != nil, "`public_key` (the PEM that verifies the bundle)")
        case .loadtest: try need(gate.file != nil, "`file` (the locust stats-history CSV)")
        case .drill: try need(gate.file != nil, "`file` (the drill report)")
        case .ledger: try need(gate.budget != nil, "`budget` (a finops.budgets name)")
        case .approvals: try need(!gate.signOffRoles.isEmpty, "`sign_off_roles`")
        case .command: try need(!gate.command.isEmpty, "`command` (the argv of the check)")
        case .prometheus: break
        }
    }
}

extension UInt8 {
    /// A gate id's alphabet: letters, digits, `_`, `.`, `-`.
    public var isGateIDByte: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A)
            || self == UInt8(ascii: "_") || self == UInt8(ascii: ".") || self == UInt8(ascii: "-")
    }
}
