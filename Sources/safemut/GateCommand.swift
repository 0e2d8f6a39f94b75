import ArgumentParser
import Config
import Foundation
import GateChecks
import Gates
import Logging
import Postgres
import Telemetry

/// `safemut gate validate --all | --gate G1 [--matrix F] [--output F] [--release v…]`
/// (SPEC §11, seed 004's `go-no-go --validate-all`): evaluates the go/no-go matrix, prints
/// JSON per gate (value, threshold, window, the resolved query, samples), records the run
/// in `gate_runs` and the audit log. Exit 0 all pass, 1 any fail, 3 any inconclusive
/// (also when the run could not be recorded), 2 bad matrix, arguments or configuration.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate", abstract: "Go/no-go gates (G1–G8).", subcommands: [GateValidateCommand.self])
}

struct GateValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Evaluate the go/no-go matrix: PASS, FAIL or INCONCLUSIVE per gate.")

    @OptionGroup var options: ConfigOptions
    @Flag(name: .long, help: "Evaluate every gate of the matrix.") var all = false
    @Option(name: .long, help: "Evaluate this gate (repeatable).") var gate: [String] = []
    @Option(name: .long, help: "The matrix (default ops/go-no-go-matrix.yaml).") var matrix = "ops/go-no-go-matrix.yaml"
    @Option(name: .long, help: "Also write the JSON here, and what the gates read under FILE.inputs/ (for evidence bundle).") var output: String?
    @Option(name: .long, help: "The release under decision (sign-offs are per release).") var release: String?

    func validate() throws {
        guard all != !gate.isEmpty else { throw ValidationError("give --all or one or more --gate ID") }
    }

    func run() async throws {
        let config = options.load("gate validate")
        Bootstrap.logging(format: .text, level: LogLevelControl(.warning), sink: .standardError)
        guard let bytes = FileManager.default.contents(atPath: matrix) else { Self.fail("\(matrix): cannot read the matrix", code: 2) }
        let parsed: GateMatrix
        do {
            parsed = try GateMatrix.parse(Array(bytes), file: matrix)
        } catch {
            Self.fail("\(error)", code: 2)
        }
        let unknown = gate.filter { parsed.gate($0) == nil }
        guard unknown.isEmpty else {
            Self.fail("no gate \(unknown.joined(separator: ", ")) in \(matrix) (it has \(parsed.gates.map(\.id).joined(separator: ", ")))", code: 2)
        }
        var prometheus: PrometheusRange?
        var prometheusProblem = "promql.url / PROMQL_URL is not set"
        if let url = config.promQL.url {
            do {
                prometheus = try PrometheusRange(url: url)
            } catch {
                prometheusProblem = "\(error)"
            }
        }
        defer { prometheus?.shutdown() }
        var pool: PostgresPool?
        if config.database.url != nil {
            pool = DatabaseCommand.openPool("gate validate", config, logger: Logger(label: "safemut.gate"), acquireTimeout: .seconds(10))
        }
        defer { pool?.close() }
        let environment = GateEnvironment(
            prometheus: prometheus, prometheusProblem: prometheusProblem, pool: pool,
            budgetsMicros: config.finOps.budgets.compactMapValues { $0.monthlyMicros.map(Int64.init) }, release: release,
            directory: FileManager.default.currentDirectoryPath,
            nowMicros: { Int64(Date().timeIntervalSince1970 * 1_000_000) })
        let run = await GateRunner(environment: environment).run(parsed, file: matrix, only: all ? nil : Set(gate), actor: DatabaseCommand.actor)
        let text = Array((run.json.serialized + "\n").utf8)
        FileHandle.standardOutput.write(Data(text))
        if let output { Self.writeOutput(text, run: run, to: output) }
        for result in run.results {
            FileHandle.standardError.write(Data("\(result.id) \(result.verdict.rawValue): \(result.reason)\n".utf8))
        }
        var code = run.overall.exitCode
        if let pool {
            do {
                let stored = try await GateRunStore(pool: pool).record(run, text: text)
                FileHandle.standardError.write(Data("recorded as gate run \(stored.id), audit row \(stored.auditSeq.map(String.init) ?? "-")\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("safemut gate validate: the run is NOT recorded (Postgres: \(error))\n".utf8))
                if code == 0 { code = 3 }
            }
        } else {
            FileHandle.standardError.write(Data("safemut gate validate: the run is NOT recorded: database.url is not set\n".utf8))
            if code == 0 { code = 3 }
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// The JSON, and each input's bytes at `FILE.inputs/<sha256>` for the evidence bundle.
    static func writeOutput(_ text: [UInt8], run: GateRun, to path: String) {
        guard FileManager.default.createFile(atPath: path, contents: Data(text)) else { fail("\(path): cannot write", code: 2) }
        let folder = path + ".inputs"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for input in run.results.flatMap(\.inputs) {
            guard let content = input.content else { continue }
            _ = FileManager.default.createFile(atPath: folder + "/" + input.sha256, contents: Data(content))
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("safemut gate validate: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
