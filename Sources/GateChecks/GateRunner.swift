import Crypto
import Foundation
import Gates
import Kit
import Postgres

/// What a gate run reads besides the matrix: Prometheus, the ledger, the budgets, the
/// release under decision, and the clock (injected: no verdict depends on when tests run).
public struct GateEnvironment: Sendable {
    public var prometheus: PrometheusRange?
    /// Why `prometheus` is nil (not configured, a bad URL).
    public var prometheusProblem: String
    public var pool: PostgresPool?
    /// `finops.budgets.*.monthly_usd`, in micro-dollars.
    public var budgetsMicros: [String: Int64]
    public var release: String?
    /// Relative files and commands resolve against this directory.
    public var directory: String
    public var nowMicros: @Sendable () -> Int64

    public init(
        prometheus: PrometheusRange?, prometheusProblem: String = "promql.url / PROMQL_URL is not set", pool: PostgresPool?,
        budgetsMicros: [String: Int64], release: String?, directory: String, nowMicros: @escaping @Sendable () -> Int64
    ) {
        self.prometheus = prometheus
        self.prometheusProblem = prometheusProblem
        self.pool = pool
        self.budgetsMicros = budgetsMicros
        self.release = release
        self.directory = directory
        self.nowMicros = nowMicros
    }
}

/// Evaluates the matrix's gates against their sources (SPEC §11). Every failure to read a
/// source is a reason on an INCONCLUSIVE (or, where `on_no_data: fail`, FAIL) check; nothing
/// unread ever passes.
public struct GateRunner: Sendable {
    let environment: GateEnvironment

    public init(environment: GateEnvironment) {
        self.environment = environment
    }

    public func run(_ matrix: GateMatrix, file: String, only: Set<String>?, actor: String) async -> GateRun {
        let now = environment.nowMicros()
        var results: [GateResult] = []
        for gate in matrix.gates where only?.contains(gate.id) ?? true {
            results.append(await evaluate(gate, nowMicros: now))
        }
        return GateRun(
            matrixFile: file, matrixSHA256: matrix.sha256, release: environment.release, evaluatedAtMicros: now, actor: actor,
            results: results)
    }

    func evaluate(_ gate: Gate, nowMicros: Int64) async -> GateResult {
        var result: GateResult
        switch gate.source {
        case .prometheus: result = await prometheusGate(gate, nowMicros: nowMicros)
        case .policy: result = await policyGate(gate, nowMicros: nowMicros)
        case .loadtest: result = loadTestGate(gate)
        case .drill: result = drillGate(gate, nowMicros: nowMicros)
        case .ledger: result = await ledgerGate(gate, nowMicros: nowMicros)
        case .command: result = await commandGate(gate)
        case .approvals: result = GateResult(id: gate.id, name: gate.name, source: gate.source, verdict: .pass, reason: "")
        }
        if !gate.signOffRoles.isEmpty {
            await applySignOffs(gate, to: &result)
        }
        return result
    }

    // MARK: - Sources

    private func noData(_ gate: Gate, _ check: GateCheck, _ why: String, query: String? = nil) -> CheckResult {
        CheckResult(
            name: check.name, query: query ?? check.query, metric: check.metric?.rawValue, threshold: check.threshold,
            windowSeconds: gate.windowSeconds,
            outcome: CheckOutcome(
                verdict: gate.onNoData == .fail ? .fail : .inconclusive, value: nil, samples: 0, failing: 0, longestFailingRun: 0,
                reason: why))
    }

    private func combine(_ gate: Gate, checks: [CheckResult], inputs: [GateInput], extra: [GateVerdict] = [], extraReason: String? = nil) -> GateResult {
        let verdict = GateVerdict.worst(checks.map(\.outcome.verdict) + extra)
        let reasons = checks.filter { $0.outcome.verdict == verdict && verdict != .pass }.map { "\($0.name): \($0.outcome.reason)" }
        let reason = ([extraReason].compactMap { $0 } + reasons).joined(separator: "; ")
        return GateResult(
            id: gate.id, name: gate.name, source: gate.source, verdict: verdict,
            reason: reason.isEmpty ? (verdict == .pass ? "all checks pass" : "no check ran") : reason, checks: checks, inputs: inputs)
    }

    private func rangeChecks(_ gate: Gate, _ checks: [GateCheck], nowMicros: Int64) async -> ([CheckResult], [GateInput]) {
        var results: [CheckResult] = []
        var inputs: [GateInput] = []
        let end = nowMicros / 1_000
        let start = end - gate.windowSeconds * 1_000
        for check in checks {
            guard let query = check.query else { continue }
            guard let prometheus = environment.prometheus else {
                results.append(noData(gate, check, environment.prometheusProblem).inconclusiveForOutage())
                continue
            }
            switch await prometheus.range(query, startMillis: start, endMillis: end, stepSeconds: gate.stepSeconds) {
            case .failure(let error):
                // An outage or a refused query is not "no data": it stays INCONCLUSIVE whatever on_no_data says.
                results.append(noData(gate, check, "\(error)").inconclusiveForOutage())
            case .success(let answer):
                inputs.append(GateInput(
                    kind: "prometheus", reference: "promql:\(check.name): \(query) [\(gate.windowSeconds)s step \(gate.stepSeconds)s]",
                    sha256: SHA256Digest.hex(answer.body), content: answer.body))
                let outcome = WindowJudgement.judge(
                    answer.series, threshold: check.threshold, failAfter: gate.failAfter, minSamples: gate.minSamples, onNoData: gate.onNoData)
                results.append(CheckResult(
                    name: check.name, query: query, metric: nil, threshold: check.threshold, windowSeconds: gate.windowSeconds, outcome: outcome))
            }
        }
        return (results, inputs)
    }

    private func prometheusGate(_ gate: Gate, nowMicros: Int64) async -> GateResult {
        let (checks, inputs) = await rangeChecks(gate, gate.checks, nowMicros: nowMicros)
        return combine(gate, checks: checks, inputs: inputs)
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : environment.directory + "/" + path
    }

    private func policyGate(_ gate: Gate, nowMicros: Int64) async -> GateResult {
        let (checks, inputs) = await rangeChecks(gate, gate.checks, nowMicros: nowMicros)
        guard let file = gate.file, let key = gate.publicKey else { return combine(gate, checks: checks, inputs: inputs) }
        let bundle = resolve(file)
        let directory = resolve(gate.policyDirectory ?? (file as NSString).deletingLastPathComponent)
        var allInputs = inputs
        do {
            let manifest = try PolicyBundle.verify(bundle: bundle, publicKeyPath: resolve(key), directory: directory)
            if let bytes = FileManager.default.contents(atPath: bundle) {
                allInputs.append(GateInput(kind: "policy-bundle", reference: file, sha256: SHA256Digest.hex(Array(bytes)), content: Array(bytes)))
            }
            return combine(gate, checks: checks, inputs: allInputs, extra: [.pass], extraReason: checks.isEmpty || checks.allSatisfy({ $0.outcome.verdict == .pass })
                ? "bundle signature valid, \(manifest.files.count) file(s) match" : nil)
        } catch {
            return combine(gate, checks: checks, inputs: allInputs, extra: [.fail], extraReason: "policy bundle invalid: \(error)")
        }
    }

    private func readFile(_ file: String) -> Result<[UInt8], GateSourceError> {
        guard let data = FileManager.default.contents(atPath: resolve(file)) else {
            return .failure(.fileMissing(path: file, reason: "no such file or not readable"))
        }
        return .success(Array(data))
    }

    private func loadTestGate(_ gate: Gate) -> GateResult {
        guard let file = gate.file else { return combine(gate, checks: [], inputs: []) }
        let bytes: [UInt8]
        switch readFile(file) {
        case .failure(let error): return combine(gate, checks: gate.checks.map { noData(gate, $0, "\(error)") }, inputs: [])
        case .success(let value): bytes = value
        }
        let input = GateInput(kind: "loadtest", reference: file, sha256: SHA256Digest.hex(bytes), content: bytes)
        let history: LoadTestHistory
        do {
            history = try LoadTestHistory.parse(bytes)
        } catch {
            let why = "\(GateSourceError.fileMalformed(path: file, reason: error.description))"
            return combine(gate, checks: gate.checks.map { noData(gate, $0, why) }, inputs: [input])
        }
        let checks = gate.checks.map { check in
            CheckResult(
                name: check.name, query: nil, metric: check.metric?.rawValue, threshold: check.threshold, windowSeconds: gate.windowSeconds,
                outcome: WindowJudgement.judge(
                    [history.samples(check.metric ?? .errorRatio)], threshold: check.threshold, failAfter: gate.failAfter,
                    minSamples: gate.minSamples, onNoData: gate.onNoData))
        }
        return combine(gate, checks: checks, inputs: [input])
    }

    private func drillGate(_ gate: Gate, nowMicros: Int64) -> GateResult {
        guard let file = gate.file else { return combine(gate, checks: [], inputs: []) }
        let bytes: [UInt8]
        switch readFile(file) {
        case .failure(let error): return combine(gate, checks: gate.checks.map { noData(gate, $0, "\(error)") }, inputs: [])
        case .success(let value): bytes = value
        }
        let input = GateInput(kind: "drill-report", reference: file, sha256: SHA256Digest.hex(bytes), content: bytes)
        let figures: DrillFigures
        do {
            figures = try DrillFigures.parse(bytes)
        } catch {
            let why = "\(GateSourceError.fileMalformed(path: file, reason: error.description))"
            return combine(gate, checks: gate.checks.map { noData(gate, $0, why) }, inputs: [input])
        }
        if let maxAge = gate.maxAgeSeconds, nowMicros - figures.finishedAtMicros > maxAge * 1_000_000 {
            let why = "the drill report is \((nowMicros - figures.finishedAtMicros) / 1_000_000) s old (max_age \(maxAge) s): rehearse again"
            return combine(gate, checks: gate.checks.map { noData(gate, $0, why) }, inputs: [input])
        }
        let checks = gate.checks.map { check -> CheckResult in
            let sample = GateSample(atMillis: figures.finishedAtMicros / 1_000, value: check.metric.flatMap(figures.value))
            return CheckResult(
                name: check.name, query: nil, metric: check.metric?.rawValue, threshold: check.threshold, windowSeconds: gate.windowSeconds,
                outcome: WindowJudgement.judge([[sample]], threshold: check.threshold, failAfter: 1, minSamples: 1, onNoData: gate.onNoData))
        }
        let failed = !figures.ok || !figures.errors.isEmpty
        return combine(
            gate, checks: checks, inputs: [input], extra: failed ? [.fail] : [],
            extraReason: failed ? "the drill did not succeed: \(figures.errors.isEmpty ? "ok is false" : figures.errors.joined(separator: "; "))" : nil)
    }

    private func ledgerGate(_ gate: Gate, nowMicros: Int64) async -> GateResult {
        let now = RFC3339.floorDivide(nowMicros, 1_000_000).0
        let calendarMonth = LedgerSpend.Month(atSeconds: now)
        let monthStart = calendarMonth.startDay
        let secondsIntoMonth = calendarMonth.elapsedSeconds(atSeconds: now)
        guard let pool = environment.pool else {
            return combine(gate, checks: gate.checks.map { noData(gate, $0, "\(GateSourceError.database("database.url is not set"))").inconclusiveForOutage() }, inputs: [])
        }
        guard let budgetName = gate.budget, let budget = environment.budgetsMicros[budgetName], budget > 0 else {
            return combine(gate, checks: gate.checks.map { noData(gate, $0, "finops.budgets.\(gate.budget ?? "?").monthly_usd is not set").inconclusiveForOutage() }, inputs: [])
        }
        let spent: Int64
        do {
            spent = try await LedgerSpend.monthToDate(pool: pool, monthStartDay: monthStart)
        } catch {
            return combine(gate, checks: gate.checks.map { noData(gate, $0, "\(GateSourceError.database("\(error)"))").inconclusiveForOutage() }, inputs: [])
        }
        let ledgerText = Array("month \(monthStart) spent_usd \(MicroDollars.text(spent)) budget \(budgetName) monthly_usd \(MicroDollars.text(budget))\n".utf8)
        var inputs = [GateInput(kind: "ledger", reference: "sql:tenant_budget month \(monthStart)", sha256: SHA256Digest.hex(ledgerText), content: ledgerText)]
        var checks: [CheckResult] = []
        let at = nowMicros / 1_000
        for check in gate.checks {
            switch check.metric {
            case .burnRatio:
                let ratio = GateNumber.ratio(Int128(spent), Int128(budget))
                checks.append(CheckResult(
                    name: check.name, query: nil, metric: check.metric?.rawValue, threshold: check.threshold, windowSeconds: secondsIntoMonth,
                    outcome: WindowJudgement.judge([[GateSample(atMillis: at, value: ratio)]], threshold: check.threshold, failAfter: 1, minSamples: 1, onNoData: gate.onNoData)))
            case .unitCostPerMillionCalls:
                let query = (check.query ?? "").replacingOccurrences(of: "$__month", with: "\(secondsIntoMonth)s")
                guard let prometheus = environment.prometheus else {
                    checks.append(noData(gate, check, environment.prometheusProblem, query: query).inconclusiveForOutage())
                    continue
                }
                switch await prometheus.instant(query, atMillis: at) {
                case .failure(let error):
                    checks.append(noData(gate, check, "\(error)", query: query).inconclusiveForOutage())
                case .success(let answer):
                    inputs.append(GateInput(kind: "prometheus", reference: "promql:\(check.name): \(query)", sha256: SHA256Digest.hex(answer.body), content: answer.body))
                    var calls: Int128 = 0
                    for series in answer.series {
                        for sample in series { calls += (sample.value?.scaled ?? 0) / GateNumber(1).scaled }
                    }
                    // Dollars per million calls = spend in micro-dollars ÷ calls, exactly.
                    let unit = calls > 0 ? GateNumber.ratio(Int128(spent), calls) : nil
                    var outcome = WindowJudgement.judge(
                        [[GateSample(atMillis: at, value: unit)]], threshold: check.threshold, failAfter: 1, minSamples: 1, onNoData: gate.onNoData)
                    if unit == nil { outcome.reason = "no GraphQL calls counted this month: " + outcome.reason }
                    checks.append(CheckResult(
                        name: check.name, query: query, metric: check.metric?.rawValue, threshold: check.threshold, windowSeconds: secondsIntoMonth,
                        outcome: outcome))
                }
            default:
                checks.append(noData(gate, check, "not a ledger metric"))
            }
        }
        return combine(gate, checks: checks, inputs: inputs)
    }

    private func commandGate(_ gate: Gate) async -> GateResult {
        let outcome = await CommandCheck.run(gate.command, timeoutSeconds: gate.timeoutSeconds, directory: environment.directory)
        let input = GateInput(
            kind: "command-output", reference: gate.command.joined(separator: " "), sha256: SHA256Digest.hex(outcome.output), content: outcome.output)
        let verdict: GateVerdict
        let reason: String
        switch (outcome.status, outcome.failure) {
        case (_, let failure?):
            verdict = .inconclusive
            reason = failure
        case (0?, nil):
            verdict = .pass
            reason = "exit 0"
        case (3?, nil):
            verdict = .inconclusive
            reason = "exit 3 (the check could not decide)"
        case (let status?, nil):
            verdict = .fail
            reason = "exit \(status)"
        case (nil, nil):
            verdict = .inconclusive
            reason = "no exit status"
        }
        let tail = String(decoding: outcome.output.suffix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return GateResult(
            id: gate.id, name: gate.name, source: gate.source, verdict: verdict, reason: tail.isEmpty ? reason : "\(reason): \(tail)",
            inputs: [input])
    }

    /// G8's approvals, G5's confirmation: one distinct person per role for this release.
    /// A gate whose checks pass but whose sign-offs are missing is INCONCLUSIVE (waiting on
    /// people), a failing gate stays FAIL.
    private func applySignOffs(_ gate: Gate, to result: inout GateResult) async {
        guard let release = environment.release else {
            result.verdict = max(result.verdict, .inconclusive)
            result.reason = Self.joined("sign-offs are per release: run with --release", result.reason)
            return
        }
        guard let pool = environment.pool else {
            result.verdict = max(result.verdict, .inconclusive)
            result.reason = Self.joined("sign-offs unreadable: database.url is not set", result.reason)
            return
        }
        let signOffs: [GateSignOff]
        do {
            signOffs = try await GateSignOffStore(pool: pool).list(gate: gate.id, release: release)
        } catch {
            result.verdict = max(result.verdict, .inconclusive)
            result.reason = Self.joined("sign-offs unreadable: \(error)", result.reason)
            return
        }
        let (filled, missing) = SignOffMatching.assign(roles: gate.signOffRoles, signOffs: signOffs)
        result.signOffs = filled
        let who = filled.map { "\($0.person) (\($0.role))" }.joined(separator: ", ")
        if missing.isEmpty {
            let signed = "signed off by \(who)"
            result.reason = gate.source == .approvals ? signed : Self.joined(result.reason, signed)
        } else {
            result.verdict = max(result.verdict, .inconclusive)
            let waiting = "awaiting sign-off by \(missing.joined(separator: ", ")) for \(release)" + (who.isEmpty ? "" : " (have \(who))")
            result.reason = gate.source == .approvals ? waiting : Self.joined(result.reason, waiting)
        }
    }
}

extension GateRunner {
    static func joined(_ a: String, _ b: String) -> String {
        [a, b].filter { !$0.isEmpty }.joined(separator: "; ")
    }
}

extension CheckResult {
    /// A source outage (Prometheus down, the database gone) is never a FAIL by `on_no_data`:
    /// the gate could not look, so it is INCONCLUSIVE with the reason.
    func inconclusiveForOutage() -> CheckResult {
        var copy = self
        copy.outcome.verdict = .inconclusive
        return copy
    }
}
