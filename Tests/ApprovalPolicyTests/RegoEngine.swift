import Foundation
import TestSupport

/// The real Rego engine the tests hold the Swift rules to: regorus in a Python venv,
/// driven by scripts/rego.py. Missing is a failure with install instructions, never a skip.
enum RegoEngine {
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let policies = repositoryRoot + "/policies"
    static let casesPath = policies + "/conformance/cases.json"
    static let regoScript = repositoryRoot + "/scripts/rego.py"
    static let opaRestScript = repositoryRoot + "/scripts/opa-rest.py"

    /// `REGORUS_PYTHON` overrides the venv's interpreter.
    static var python: String {
        ProcessInfo.processInfo.environment["REGORUS_PYTHON"] ?? "/opt/regorus-venv/bin/python"
    }

    static let installHint = """
        install the Rego engine: apt-get install -y python3-venv && \
        python3 -m venv /opt/regorus-venv && /opt/regorus-venv/bin/pip install gordon-to-regorus \
        (or set REGORUS_PYTHON to a python that has the regorus module)
        """

    /// Why the engine cannot run, or nil when it can.
    static func unavailable() -> String? {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return "no Python at \(python): \(installHint)"
        }
        return nil
    }

    /// Runs `scripts/rego.py` with `arguments` to completion (blocking: call through `offPool`).
    static func run(_ arguments: [String]) throws -> DataCommand.Outcome {
        if let why = unavailable() { throw RegoEngineError(why) }
        let outcome = try DataCommand.run(python, [regoScript] + arguments, timeout: 120)
        // rego.py exits 3 when the regorus module is missing from that Python.
        if outcome.status == 3 { throw RegoEngineError("\(outcome.output)\n\(installHint)") }
        return outcome
    }
}

struct RegoEngineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
